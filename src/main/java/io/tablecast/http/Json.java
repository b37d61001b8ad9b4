package io.tablecast.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapper of the HTTP API: snake_case, ISO-8601 times, strict about types and fields. */
public final class Json {
  public static final ObjectMapper MAPPER = createMapper();

  private Json() {}

  private static ObjectMapper createMapper() {
    return JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION)
        .addModule(new SimpleModule("strict-strings").addDeserializer(String.class, new StrictStrings()))
        .build();
  }

  /** "title": 42 is a wrong type, not the string "42" (Jackson 2.13 coerces scalars to strings). */
  private static final class StrictStrings extends StdScalarDeserializer<String> {
    StrictStrings() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.hasToken(JsonToken.VALUE_STRING)) {
        return p.getText();
      }
      return (String) ctxt.handleUnexpectedToken(String.class, p);
    }
  }

  /**
   * A request body of the given type. Before binding, the bytes are checked the way no Jackson
   * setting of 2.13 does: strict UTF-8, a JSON object at the top, at most {@link #MAX_DEPTH} levels
   * of nesting (deep nesting would exhaust the stack), and no NUL character in any string
   * (PostgreSQL text cannot hold one: it would poison the projection that writes it).
   */
  public static <T> Unmarshaller<HttpEntity, T> body(Class<T> type) {
    return Unmarshaller.forMediaType(MediaTypes.APPLICATION_JSON, Unmarshaller.entityToByteArray())
        .thenApply(bytes -> {
          try {
            checkShape(bytes);
            return MAPPER.readerFor(type).readValue(bytes);
          } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the request body as " + type.getSimpleName(), e);
          }
        });
  }

  /** Request bodies are flat objects; this is far beyond any valid one. */
  public static final int MAX_DEPTH = 32;

  /**
   * PostgreSQL text holds neither NUL nor a lone UTF-16 surrogate (it has no UTF-8 encoding): the
   * rule for every string of a request body and every query parameter ({@link QueryParameters}).
   */
  static boolean storable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static void checkShape(byte[] bytes) throws IOException {
    try (JsonParser p = MAPPER.getFactory().createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "the request body must be a JSON object");
      }
      int depth = 1;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t.isStructStart() && ++depth > MAX_DEPTH) {
          throw new JsonParseException(p, "JSON is nested deeper than " + MAX_DEPTH + " levels");
        } else if (t.isStructEnd()) {
          depth--;
        } else if ((t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) && !storable(p.getText())) {
          throw new JsonParseException(p, "text must be valid Unicode without the NUL character (\\u0000)");
        }
      }
    }
  }

  public static HttpResponse response(StatusCode status, Object body) {
    return HttpResponse.create().withStatus(status).withEntity(entity(body));
  }

  public static HttpEntity.Strict entity(Object body) {
    try {
      return HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + body.getClass().getSimpleName(), e);
    }
  }
}
