package io.tablecast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.http.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "projections",
    mixinStandardHelpOptions = true,
    description = {
      "Look at and operate the projections of a running node, over its admin API.",
      "The token (admin role) is read from TABLECAST_TOKEN and sent as a Bearer token."
    },
    subcommands = {
      ProjectionsCommand.ListCommand.class,
      ProjectionsCommand.StatusCommand.class,
      ProjectionsCommand.RebuildCommand.class,
      ProjectionsCommand.PauseCommand.class,
      ProjectionsCommand.ResumeCommand.class,
      ProjectionsCommand.SwitchCommand.class,
      ProjectionsCommand.DropGenerationCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  tablecast projections list",
      "  tablecast projections status items",
      "  tablecast projections rebuild items            # progress bar until the new generation is live",
      "  tablecast projections rebuild --all --verify   # refuse to switch if the data would change",
      "  tablecast projections switch items --generation 1",
      "  tablecast projections drop-generation items 1",
      "  tablecast projections pause items --url http://node-2:8080",
      "",
      "Exit codes: 0 done; 1 refused or failed (4xx, verification refused); 2 usage; 3 node unreachable or 5xx."
    })
public final class ProjectionsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Where the node is; on every subcommand. */
  static final class NodeOptions {
    @Option(names = "--url", description = "The node's HTTP address (default: ${DEFAULT-VALUE}; env TABLECAST_URL).",
        defaultValue = "${env:TABLECAST_URL:-http://localhost:8080}")
    String url;

    @Option(names = "--token", description = "An admin's access token (default: env TABLECAST_TOKEN; prefer the "
        + "environment, a command line is visible to other users of the machine).",
        defaultValue = "${env:TABLECAST_TOKEN}")
    String token;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }

  /** Runs a call against the node; a failure prints its reason and becomes the exit code. */
  abstract static class NodeCall implements Callable<Integer> {
    @Mixin NodeOptions options;
    @Spec CommandSpec spec;

    abstract int run(NodeClient node, PrintWriter out) throws NodeClient.Failure, InterruptedException;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try {
        return run(new NodeClient(options.url, options.token), out);
      } catch (NodeClient.Failure f) {
        spec.commandLine().getErr().println("error: " + f.getMessage());
        spec.commandLine().getErr().flush();
        return f.exitCode;
      } finally {
        out.flush();
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {
        "One line per projection: live generation, state, VERSION (the one the live",
        "generation was built with / the code's; \"rebuild needed\" when they differ),",
        "lag, rate, a running rebuild's progress."
      })
  static final class ListCommand extends NodeCall {
    @Override
    int run(NodeClient node, PrintWriter out) throws NodeClient.Failure {
      JsonNode all = node.get("/admin/projections");
      out.printf("%-16s %4s %-11s %-9s %12s %10s %12s  %s%n",
          "NAME", "GEN", "STATE", "VERSION", "LAG_EVENTS", "LAG_S", "EVENTS/S", "REBUILD");
      for (JsonNode p : all.get("data")) {
        JsonNode r = p.get("rebuild");
        String rebuild = r != null && !r.isNull()
            ? String.format(Locale.ROOT, "g%d %d/%d", r.get("generation").asInt(), r.get("events_done").asLong(), r.get("events_total").asLong())
            : p.get("rebuild_needed").asBoolean() ? "rebuild needed" : "-";
        String version = p.get("built_version").asInt() + "/" + p.get("version").asInt();
        out.printf(Locale.ROOT, "%-16s %4d %-11s %-9s %12d %10.1f %12.0f  %s%n", p.get("name").asText(), p.get("generation").asInt(),
            p.get("state").asText(), version, p.get("lag_events").asLong(), p.get("lag_seconds").asDouble(),
            p.get("throughput_events_per_second").asDouble(), rebuild);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Full status as JSON: slices and offsets, lag, failure (with the event), rebuild progress, generations.")
  static final class StatusCommand extends NodeCall {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One projection (default: all).")
    String name;

    @Override
    int run(NodeClient node, PrintWriter out) throws NodeClient.Failure {
      JsonNode status = node.get(name == null ? "/admin/projections" : "/admin/projections/" + name);
      try {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(status));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "rebuild", mixinStandardHelpOptions = true,
      description = {
        "Rebuild blue/green: a new generation is built from the whole journal beside the live one, then",
        "readers switch to it in one step. Shows progress until the switch (or returns at once with --no-wait)."
      })
  static final class RebuildCommand extends NodeCall {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The projection to rebuild.")
    String name;

    @Option(names = "--all", description = "Rebuild every projection, one after the other.")
    boolean all;

    @Option(names = "--verify", description = "Refuse to switch if the new generation differs from the live one (row count, checksum).")
    boolean verify;

    @Option(names = "--no-wait", description = "Start the rebuild and return.")
    boolean noWait;

    @Option(names = "--poll", description = "How often to ask for progress (default: ${DEFAULT-VALUE}).", defaultValue = "PT0.5S")
    Duration poll;

    @Override
    int run(NodeClient node, PrintWriter out) throws NodeClient.Failure, InterruptedException {
      List<String> names = new ArrayList<>();
      if (all == (name != null)) {
        spec.commandLine().getErr().println("error: give a projection NAME or --all");
        return ExitCodes.USAGE;
      }
      if (all) {
        node.get("/admin/projections").get("data").forEach(p -> names.add(p.get("name").asText()));
      } else {
        names.add(name);
      }
      for (String n : names) {
        JsonNode started = node.post("/admin/projections/" + n + "/rebuild" + (verify ? "?verify=true" : ""));
        int generation = started.get("generation").asInt();
        out.println("rebuilding " + n + " into generation " + generation);
        out.flush();
        if (!noWait) {
          int code = follow(node, out, n, generation);
          if (code != ExitCodes.OK) {
            return code;
          }
        }
      }
      return ExitCodes.OK;
    }

    private int follow(NodeClient node, PrintWriter out, String name, int generation)
        throws NodeClient.Failure, InterruptedException {
      try (ProgressBar bar = new ProgressBarBuilder()
          .setTaskName(name + " g" + generation)
          .setInitialMax(0)
          .setUnit(" events", 1)
          .showSpeed()
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(250)
          .build()) {
        while (true) {
          JsonNode status = node.get("/admin/projections/" + name);
          JsonNode rebuild = status.get("rebuild");
          if (status.get("generation").asInt() == generation) {
            long total = status.get("events_total").asLong();
            bar.maxHint(total);
            bar.stepTo(total);
            break;
          }
          if (rebuild == null || rebuild.isNull() || rebuild.get("generation").asInt() != generation) {
            bar.close();
            out.println(name + ": generation " + generation + " is no longer being built (dropped?)");
            return ExitCodes.REFUSED;
          }
          if (!rebuild.get("verify_result").isNull()) {
            bar.close();
            out.println(name + ": switch refused by --verify: " + rebuild.get("verify_result").asText());
            out.println("drop it with: tablecast projections drop-generation " + name + " " + generation);
            return ExitCodes.REFUSED;
          }
          bar.maxHint(rebuild.get("events_total").asLong());
          bar.stepTo(rebuild.get("events_done").asLong());
          JsonNode eta = rebuild.get("eta_seconds");
          bar.setExtraMessage(String.format(Locale.ROOT, "%.0f ev/s, ETA %s", rebuild.get("rate_events_per_second").asDouble(),
              eta == null || eta.isNull() ? "?" : Math.round(eta.asDouble()) + "s"));
          JsonNode failure = status.get("failure");
          if (failure != null && !failure.isNull() && failure.get("generation").asInt() == generation) {
            bar.setExtraMessage("FAILING on " + failure.get("persistence_id").asText() + " #"
                + failure.get("sequence_number").asText() + ": " + failure.get("error").asText());
          }
          Thread.sleep(poll.toMillis());
        }
      }
      out.println(name + ": generation " + generation + " is live");
      return ExitCodes.OK;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause every instance of a projection (all generations).")
  static final class PauseCommand extends NodeCall {
    @Parameters(paramLabel = "NAME") String name;

    @Override
    int run(NodeClient node, PrintWriter out) throws NodeClient.Failure {
      node.post("/admin/projections/" + name + "/pause");
      out.println(name + " paused");
      return ExitCodes.OK;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused projection from its committed offsets.")
  static final class ResumeCommand extends NodeCall {
    @Parameters(paramLabel = "NAME") String name;

    @Override
    int run(NodeClient node, PrintWriter out) throws NodeClient.Failure {
      node.post("/admin/projections/" + name + "/resume");
      out.println(name + " resumed");
      return ExitCodes.OK;
    }
  }

  @Command(name = "switch", mixinStandardHelpOptions = true,
      description = "Point readers at another kept generation in one step (\"downgrade\": switch back to the previous one).")
  static final class SwitchCommand extends NodeCall {
    @Parameters(paramLabel = "NAME") String name;

    @Option(names = "--generation", required = true, paramLabel = "G") int generation;

    @Override
    int run(NodeClient node, PrintWriter out) throws NodeClient.Failure {
      node.post("/admin/projections/" + name + "/switch?generation=" + generation);
      out.println(name + ": generation " + generation + " is live");
      return ExitCodes.OK;
    }
  }

  @Command(name = "drop-generation", mixinStandardHelpOptions = true,
      description = "Drop a generation that is not live: its tables, offsets and failures.")
  static final class DropGenerationCommand extends NodeCall {
    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Parameters(index = "1", paramLabel = "G") int generation;

    @Override
    int run(NodeClient node, PrintWriter out) throws NodeClient.Failure {
      node.delete("/admin/projections/" + name + "/generations/" + generation);
      out.println(name + ": generation " + generation + " dropped");
      return ExitCodes.OK;
    }
  }
}
