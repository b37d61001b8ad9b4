package io.tablecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A rebuild is timed by the registry's clock: from its generation's registration to its switch. */
class RebuildTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode status(String generations) throws Exception {
    return JSON.readTree("{\"name\":\"items\",\"generation\":3,\"generations\":" + generations + "}");
  }

  @Test
  void takesTheTimeBetweenTheGenerationsRegistrationAndItsSwitch() throws Exception {
    JsonNode status = status("[{\"generation\":2,\"state\":\"retired\",\"created_at\":\"2026-12-07T10:00:00Z\","
        + "\"switched_at\":\"2026-12-07T12:00:20.000Z\"},"
        + "{\"generation\":3,\"state\":\"live\",\"created_at\":\"2026-12-07T12:00:00.250Z\","
        + "\"switched_at\":\"2026-12-07T12:00:19.875Z\"}]");
    assertEquals(19.625, Rebuild.registered(status, 3).getAsDouble(), 1e-9);
  }

  @Test
  void hasNoTimeForAGenerationNotSwitchedOrNotShown() throws Exception {
    JsonNode status = status("[{\"generation\":3,\"state\":\"building\",\"created_at\":\"2026-12-07T12:00:00Z\","
        + "\"switched_at\":null}]");
    assertTrue(Rebuild.registered(status, 3).isEmpty());
    assertTrue(Rebuild.registered(status, 4).isEmpty());
    assertTrue(Rebuild.registered(JSON.readTree("{\"name\":\"items\"}"), 3).isEmpty());
  }
}
