package io.tablecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Event timestamps read by the fast path equal what the JDK reads; other forms go to Jackson's reader. */
class EventInstantsTest {
  private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(new EventInstants());

  @Test
  void readsEveryIsoInstantAsTheJdkDoes() throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(0, 253_402_300_799L); // up to 9999-12-31T23:59:59Z
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant expected = Instant.ofEpochSecond(seconds, nanos);
      String text = DateTimeFormatter.ISO_INSTANT.format(expected);
      assertEquals(expected, EventInstants.parse(text), text);
      assertEquals(expected, mapper.readValue("\"" + text + "\"", Instant.class), text);
    }
  }

  @Test
  void readsAnythingElseExactlyAsJacksonDoes() throws IOException {
    ObjectMapper jackson = new ObjectMapper().registerModule(new JavaTimeModule());
    for (String text : new String[] {"2026-11-21T10:15:30+02:00", "2026-11-21T10:15:30.5-01:30", "2016-12-31T23:59:60Z",
        "2026-11-21T24:00:00Z", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-21T10:15:30.Z",
        "2026-11-21T10:15:30.1234567890Z", "2026-11-21 10:15:30Z", "+12026-11-21T10:15:30Z", "yesterday", ""}) {
      assertNull(EventInstants.parse(text), text);
      String json = "\"" + text + "\"";
      assertEquals(outcome(jackson, json), outcome(mapper, json), text);
    }
    assertEquals(Instant.parse("2026-11-21T10:15:30.120Z"), EventInstants.parse("2026-11-21T10:15:30.12Z"));
  }

  /** The instant read, or the kind of error. */
  private static Object outcome(ObjectMapper mapper, String json) {
    try {
      return mapper.readValue(json, Instant.class);
    } catch (IOException e) {
      return e.getClass();
    }
  }
}
