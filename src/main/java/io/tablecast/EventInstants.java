package io.tablecast;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads event timestamps fast. Every event carries its time as an ISO-8601 instant
 * ({@code 2026-11-21T09:30:00.123456Z}); the JDK's parser builds a formatter per call, which made
 * it one of the larger costs of replaying the journal. The form Jackson writes is parsed here
 * directly; anything else (an offset, a leap second, a number) goes to Jackson's own
 * deserializer, which also reports what is invalid. Registered for Akka's Jackson serializer in
 * application.conf.
 */
public final class EventInstants extends SimpleModule {
  private static final int[] SCALE = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

  public EventInstants() {
    super("tablecast-event-instants");
    addDeserializer(Instant.class, new Deserializer());
  }

  private static final class Deserializer extends StdScalarDeserializer<Instant> {
    Deserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.hasToken(JsonToken.VALUE_STRING)) {
        Instant parsed = parse(parser.getText());
        if (parsed != null) {
          return parsed;
        }
      }
      return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with 1 to 9 fraction digits; null for any other text. */
  static Instant parse(String text) {
    int length = text.length();
    if (length < 20 || length == 21 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
        || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int nanos = 0;
    if (length > 20) {
      int fraction = text.charAt(19) == '.' ? digits(text, 20, length - 1) : -1;
      if (fraction < 0) {
        return null;
      }
      nanos = fraction * SCALE[length - 22];
    }
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
        || second > 59) {
      return null;
    }
    try {
      long days = LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    } catch (DateTimeException notADate) {
      return null;
    }
  }

  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
