package io.tablecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The benchmark's code paths with tiny sizes, so it cannot rot; its numbers mean nothing here. */
class BenchSmokeIT {
  private static final List<String> POSITIVE = List.of(
      "commands_per_s", "command_p50_ms", "command_p99_ms", "raw_inserts_per_s", "command_ratio",
      "batch_inserts_per_s", "get_p99_ms", "list_p99_ms",
      "lag_p99_ms", "heap_peak_mb");

  @Test
  void quickRunPrintsEveryFigureAsTheLastJsonLine() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new BenchCommand()).execute("--events", "400", "--seconds", "1", "--concurrency", "1,4");
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    original.print(output);
    assertEquals(0, exit, output);
    String[] lines = output.strip().split("\n");
    JsonNode last = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertEquals(400, last.get("events").asInt());
    for (String key : POSITIVE) {
      assertTrue(last.has(key), "missing " + key + " in " + last);
      assertTrue(last.get(key).asDouble() > 0, key + " is " + last.get(key));
    }
    // 400 events may be caught up between two looks at the offsets: then there is no rate to tell.
    double catchupSeconds = last.get("catchup_s").asDouble();
    assertTrue(catchupSeconds >= 0, last.toString());
    for (String key : List.of("catchup_events_per_s", "catchup_ratio")) {
      assertTrue(last.has(key), "missing " + key + " in " + last);
      assertTrue(catchupSeconds == 0 ? last.get(key).isNull() : last.get(key).asDouble() > 0, key + " is " + last.get(key));
    }
    assertTrue(last.has("rebuild_events_per_s") && last.has("rebuild_s"));
    assertTrue(output.contains("create-item c=1") && output.contains("create-item c=4"), "the human table");
  }
}
