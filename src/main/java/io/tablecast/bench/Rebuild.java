package io.tablecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;

/** Times a blue/green rebuild of one projection through the admin API, until the switch. */
final class Rebuild {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The wall time until the switch, the journal events the new generation processed, and the generation. */
  record Result(double seconds, long events, int generation) {}

  private Rebuild() {}

  /** The rebuild's wall time, or null when this service offers no rebuild API. */
  static Result run(KeepAliveClient client, Map<String, String> headers, String projection, Duration within)
      throws Exception {
    long began = System.nanoTime();
    KeepAliveClient.Response started = client.post("/admin/projections/" + projection + "/rebuild", headers, "");
    if (started.status() != 202) {
      System.out.println("rebuild not measured: POST /admin/projections/" + projection + "/rebuild answered "
          + started.status() + " " + started.body());
      return null;
    }
    int generation = JSON.readTree(started.body()).get("generation").asInt();
    long deadline = began + within.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode data = JSON.readTree(client.get("/admin/projections", headers).body()).path("data");
      for (JsonNode p : data) {
        if (p.path("name").asText().equals(projection) && p.path("generation").asInt() == generation
            && p.path("state").asText().equals("running")) {
          return new Result((System.nanoTime() - began) / 1e9, p.path("events_total").asLong(), generation);
        }
      }
      Thread.sleep(1000); // each status call counts the journal's tags: keep it rare
    }
    throw new IllegalStateException("the rebuild of " + projection + " did not switch within " + within);
  }
}
