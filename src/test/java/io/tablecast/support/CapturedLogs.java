package io.tablecast.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/** Everything logged in this JVM while it is open, as text (messages, MDC and stack traces). */
public final class CapturedLogs implements AutoCloseable {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new OutputStreamAppender<>();
  private final Logger root;
  private final Level previousLevel;

  private CapturedLogs(Level level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger %mdc - %msg%n%ex");
    encoder.start();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(bytes);
    appender.start();
    root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    root.setLevel(level);
    root.addAppender(appender);
  }

  /** Captures at the root logger's configured level. */
  public static CapturedLogs start() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return new CapturedLogs(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
  }

  /** Captures everything down to the given level (also lowers the root logger to it). */
  public static CapturedLogs at(Level level) {
    return new CapturedLogs(level);
  }

  public String text() {
    synchronized (bytes) {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    root.setLevel(previousLevel);
  }
}
