package io.tablecast.http;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCode;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tablecast.FieldError;
import java.util.List;

/** An RFC 9457 problem document: every error the API returns has this shape. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

  public static final ContentType CONTENT_TYPE =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  public static Problem of(StatusCode status, String detail) {
    return new Problem("about:blank", reason(status), status.intValue(), detail, null);
  }

  public static Problem validation(List<FieldError> errors) {
    return new Problem(
        "about:blank", "Validation failed", 400, errors.size() == 1 ? errors.get(0).field() + " " + errors.get(0).message()
            : errors.size() + " fields are invalid", List.copyOf(errors));
  }

  public HttpResponse toResponse() {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(HttpEntities.create(CONTENT_TYPE, Json.MAPPER.writeValueAsBytes(this)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a problem document", e);
    }
  }

  public static HttpResponse response(StatusCode status, String detail) {
    return of(status, detail).toResponse();
  }

  private static String reason(StatusCode status) {
    return status.reason();
  }
}
