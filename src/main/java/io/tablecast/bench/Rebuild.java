package io.tablecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/** Times a blue/green rebuild of one projection through the admin API, until the switch. */
public final class Rebuild {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The seconds from the rebuild's registration to its switch ({@link #registered}), the journal
   * events the new generation processed, and the generation.
   */
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
          double seen = (System.nanoTime() - began) / 1e9;
          OptionalDouble registered = registered(p, generation);
          System.out.printf(Locale.ROOT, "rebuild of %s: generation %d live %s (its switch seen after %.1f s)%n",
              projection, generation, registered.isPresent()
                  ? String.format(Locale.ROOT, "%.2f s after its registration, by the database's clock", registered.getAsDouble())
                  : "(the node shows no registry times)", seen);
          return new Result(registered.orElse(seen), p.path("events_total").asLong(), generation);
        }
      }
      Thread.sleep(1000); // each status call counts the journal's tags: keep it rare
    }
    throw new IllegalStateException("the rebuild of " + projection + " did not switch within " + within);
  }

  /**
   * How long a generation took from its registration (the start of the rebuild's transaction) to
   * its switch, by the registry's timestamps in one projection's status: the database's clock,
   * so neither the benchmark's once-a-second look nor a clock of another host adds to it. Empty
   * while it has not switched.
   */
  public static OptionalDouble registered(JsonNode projectionStatus, int generation) {
    for (JsonNode g : projectionStatus.path("generations")) {
      if (g.path("generation").asInt() == generation && g.path("created_at").isTextual()
          && g.path("switched_at").isTextual()) {
        Duration took = Duration.between(Instant.parse(g.get("created_at").asText()), Instant.parse(g.get("switched_at").asText()));
        return OptionalDouble.of(took.toNanos() / 1e9);
      }
    }
    return OptionalDouble.empty();
  }
}
