package io.tablecast;

import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;

/** Runs a piece of code with entries added to the logging MDC, and puts the previous MDC back after. */
public final class LogContext {
  private LogContext() {}

  /** {@code entries} with a null value are left out. */
  public static <T> T with(Map<String, String> entries, Supplier<T> body) {
    Map<String, String> previous = MDC.getCopyOfContextMap();
    try {
      entries.forEach((key, value) -> {
        if (value != null) {
          MDC.put(key, value);
        }
      });
      return body.get();
    } finally {
      if (previous == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(previous);
      }
    }
  }
}
