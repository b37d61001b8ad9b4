package io.tablecast.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.FieldError;
import io.tablecast.Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A page's next is opaque to clients and comes back as the same cursor; anything else is refused. */
class PageCursorTest {
  private static final Settings.Queries QUERIES = new Settings.Queries(50, 500, java.time.Duration.ofSeconds(1), 1000, 1000,
      new Settings.History(20, 100, 1 << 20, 10));
  private static final Set<String> SORTABLE = Set.of("created_at", "title");

  @Test
  void aCursorComesBackAsItWasMadeWhateverItsKey() {
    for (String key : List.of("2026-12-03 15:59:13.228123+00", "Ünïcode \"quoted\" / + = ,", "", "a\nb")) {
      PageCursor cursor = new PageCursor("-title", key, UUID.randomUUID(), 9_000);
      String encoded = cursor.encode();
      assertTrue(encoded.matches("[A-Za-z0-9_-]+"), "safe in a query string as it is: " + encoded);
      assertEquals(cursor, PageCursor.decode(encoded));
    }
  }

  @Test
  void whatIsNotACursorIsRefused() {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    for (String json : List.of("[]", "{}", "null", "[\"-title\",\"k\",\"00000000-0000-0000-0000-000000000000\"]",
        "[\"-title\",\"k\",\"not-a-uuid\",1]", "[\"-title\",\"k\",\"00000000-0000-0000-0000-000000000000\",-1]",
        "[\"-title\",\"k\",\"00000000-0000-0000-0000-000000000000\",1.5]",
        "[\"-title\",7,\"00000000-0000-0000-0000-000000000000\",1]")) {
      String text = base64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
      assertThrows(IllegalArgumentException.class, () -> PageCursor.decode(text), json);
    }
    assertThrows(IllegalArgumentException.class, () -> PageCursor.decode("!!!"));
    assertThrows(IllegalArgumentException.class, () -> PageCursor.decode(""));
  }

  @Test
  void aListTakesOnlyACursorOfItsOwnSort() {
    String byTitle = new PageCursor("title", "k", UUID.randomUUID(), 50).encode();

    List<FieldError> errors = new ArrayList<>();
    ListParams same = ListParams.parse(Map.of("sort", "title", "after", byTitle), SORTABLE, "-created_at", QUERIES, errors);
    assertEquals(List.of(), errors);
    assertEquals(PageCursor.decode(byTitle), same.after());

    ListParams other = ListParams.parse(Map.of("sort", "-title", "after", byTitle), SORTABLE, "-created_at", QUERIES, errors);
    assertNull(other.after());
    assertEquals(List.of(new FieldError("after", "is from a page sorted by title, not -title")), errors);

    errors.clear();
    ListParams.parse(Map.of("after", byTitle), SORTABLE, "-created_at", QUERIES, errors);
    assertEquals(List.of(new FieldError("after", "is from a page sorted by title, not -created_at")), errors);
  }
}
