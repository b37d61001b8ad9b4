package io.tablecast.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Where the next page of a list starts: after the row with this sort key and id, in the order
 * {@code sort} names ({@code -created_at}); {@code position} rows came before it when the cursor
 * was made (the pages it follows), which spares a deep page the count of its total. A list page's
 * {@code next}; a request's {@code after}.
 *
 * <p>A page that starts after a row reads its rows from the sort index at that row, however deep
 * it is, where {@code skip} walks past every row it skips. The key is PostgreSQL's text of the
 * sort value, so that it compares exactly as the column does (a timestamp keeps its microseconds).
 * Opaque to clients: base64url of a small JSON array.
 */
public record PageCursor(String sort, String key, UUID id, long position) {
  /** What a request is told of an {@code after} that is not a cursor of this list. */
  public static final String NOT_A_CURSOR = "must be the next of an earlier page of this list";

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  public String encode() {
    try {
      return ENCODER.encodeToString(Json.MAPPER.writeValueAsBytes(List.of(sort, key, id.toString(), position)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("strings and a number are always writable", e);
    }
  }

  /** The cursor {@link #encode} made; {@link IllegalArgumentException} for anything else. */
  public static PageCursor decode(String text) {
    try {
      JsonNode parts = Json.MAPPER.readTree(new String(DECODER.decode(text), StandardCharsets.UTF_8));
      if (parts == null || !parts.isArray() || parts.size() != 4
          || !parts.get(0).isTextual() || !parts.get(1).isTextual() || !parts.get(2).isTextual()
          || !parts.get(3).isIntegralNumber() || !parts.get(3).canConvertToLong() || parts.get(3).asLong() < 0) {
        throw new IllegalArgumentException("not a page cursor");
      }
      return new PageCursor(
          parts.get(0).asText(), parts.get(1).asText(), UUID.fromString(parts.get(2).asText()), parts.get(3).asLong());
    } catch (IOException e) {
      throw new IllegalArgumentException("not a page cursor", e);
    }
  }

  /**
   * A cursor that decodes but whose key PostgreSQL cannot read as the sort column's type: not one
   * this service made. Bad input, answered 400 like any other bad {@code after}.
   */
  public static final class Unusable extends RuntimeException {
    public Unusable(Throwable cause) {
      super("the page cursor's key is not a value of its sort column", cause);
    }
  }
}
