package io.tablecast.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tablecast.FieldError;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The check every query string passes before a route reads it (the same rule as request bodies' strings). */
class QueryParametersTest {
  private static List<FieldError> errors(String rawQuery) {
    return QueryParameters.errors(rawQuery, Set.of());
  }

  private static FieldError error(String field, String message) {
    return new FieldError(field, message);
  }

  @Test
  void textInAnyScriptIsFine() {
    assertEquals(List.of(), errors("q=%C3%A9t%C3%A9&tag=%F0%9F%98%80&sort=-title&name=a+b&flag&&empty="));
  }

  @Test
  void aNulCharacterIsRefusedWhereverItIs() {
    assertEquals(List.of(error("q", QueryParameters.NOT_TEXT)), errors("q=%00"));
    assertEquals(List.of(error("q", QueryParameters.NOT_TEXT)), errors("limit=5&q=ab%00cd"));
    assertEquals(List.of(error("colour", QueryParameters.NOT_TEXT)), errors("colour=%00"));
  }

  @Test
  void aNameThatIsNotTextIsNamedAsItWasSent() {
    assertEquals(List.of(error("q%00", QueryParameters.NOT_TEXT)), errors("q%00=x"));
    assertEquals(List.of(error("%FF", QueryParameters.NOT_UTF_8)), errors("%FF=x"));
  }

  @Test
  void bytesThatAreNotUtf8AreRefused() {
    for (String bad : List.of("%FF", "%C0%80", "%E2%82", "%ED%A0%80", "%ED%B0%80", "a%80b")) {
      assertEquals(List.of(error("q", QueryParameters.NOT_UTF_8)), errors("q=" + bad), bad);
    }
  }

  @Test
  void brokenPercentEscapesAreRefused() {
    for (String bad : List.of("%", "%4", "%ZZ", "%%", "a%2")) {
      assertEquals(List.of(error("q", QueryParameters.NOT_UTF_8)), errors("q=" + bad), bad);
    }
  }

  @Test
  void aParameterGivenTwiceIsRefusedUnlessItMayRepeat() {
    assertEquals(List.of(error("skip", QueryParameters.REPEATED)), errors("skip=1&limit=2&skip=3"));
    assertEquals(List.of(), QueryParameters.errors("name=a&name=b", Set.of("name")));
  }

  @Test
  void everyBadParameterIsNamedOnce() {
    assertEquals(List.of(error("q", QueryParameters.NOT_TEXT), error("tag", QueryParameters.NOT_UTF_8)),
        errors("q=%00&tag=%FF&q=%00"));
  }

  @Test
  void decodingIsAkkaHttpsWithPlusAsSpace() {
    assertEquals(Optional.of("a b+c/d"), QueryParameters.decode("a+b%2Bc%2fd"));
  }
}
