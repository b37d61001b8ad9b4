package io.tablecast.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.tablecast.Tablecast;
import io.tablecast.aggregate.Role;
import io.tablecast.category.Category;
import io.tablecast.category.CategoryQueries;
import io.tablecast.item.Item;
import io.tablecast.item.ItemQueries;
import io.tablecast.profile.Profile;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import io.tablecast.user.User;
import io.tablecast.user.UserQueries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document and the routes cannot drift apart: every documented operation is answered
 * by a route, every method a documented path does not list is refused, and paths built from every
 * segment the API knows are served only where the document says so.
 *
 * <p>Limits: Akka HTTP routes are functions, not a table, so the reverse direction is a probe, not
 * an enumeration. It finds an undocumented route only if its path is made of segments in
 * {@link #SEGMENTS} (or the document), ids, projection names and generation numbers, at most one
 * segment below a documented path or its prefixes; a route under a brand-new segment is caught once
 * that segment is added there. (An undocumented route would also have no metrics label of its own:
 * RouteLabel takes the routes from the document.) A trailing slash ({@code /api/items/}) is served
 * like the path without it and not documented separately.
 */
class OpenApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
  /** What the sealed router answers when no route matched the path at all. */
  private static final String NO_ROUTE = "The requested resource could not be found.";
  private static final String ID = UUID.randomUUID().toString();
  private static final String PROJECTION = "items";
  private static final String GENERATION = "1";
  /** Every path segment the API names, and then some; the probe builds paths of them. */
  private static final Set<String> SEGMENTS = Set.of(
      "api", "admin", "items", "users", "categories", "auth", "token", "me", "restore", "history", "profile",
      "projections", "rebuild", "pause", "resume", "schema", "metrics", "openapi.json", "switch", "generations");

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api admin;
  private static JsonNode document;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.ADMIN_CONFIG);
    admin = node.admin();
    document = JSON.readTree(OpenApi.document());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theServedDocumentIsTheShippedOneAndAValidOpenApi31Document() {
    Api.Response served = node.api.get("/api/openapi.json");
    assertEquals(200, served.status(), served.toString());
    assertTrue(served.contentType().startsWith("application/json"), served.contentType());
    assertArrayEquals(OpenApi.document(), served.raw().body().getBytes(StandardCharsets.UTF_8));

    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.raw().body(), null, options);
    assertEquals(List.of(), parsed.getMessages(), "swagger-parser finds the document invalid");
    assertEquals("3.1.0", parsed.getOpenAPI().getOpenapi());
    assertEquals("bearer", parsed.getOpenAPI().getComponents().getSecuritySchemes().get("bearerAuth").getScheme());
    assertTrue(parsed.getOpenAPI().getComponents().getSchemas().containsKey("Problem"));
  }

  @Test
  void everyDocumentedOperationHasARoute() {
    documented().forEach((template, methods) -> {
      for (String method : methods) {
        Api.Response r = send(admin, method, concrete(template) + requiredQuery(template, method));
        assertTrue(served(r), method + " " + template + " is documented but the server has no route for it: " + r);
      }
    });
  }

  @Test
  void everyMethodADocumentedPathDoesNotListIsRefused() {
    documented().forEach((template, methods) -> {
      for (String method : METHODS) {
        if (!methods.contains(method)) {
          Api.Response r = send(admin, method, concrete(template));
          assertTrue(unserved(r), method + " " + template + " answers but is not documented: " + r);
        }
      }
    });
  }

  @Test
  void noUndocumentedPathBuiltFromTheKnownSegmentsIsServed() {
    Set<String> segments = new TreeSet<>(SEGMENTS);
    segments.addAll(List.of(ID, PROJECTION, GENERATION));
    Set<String> parents = new LinkedHashSet<>();
    parents.add("");
    for (String template : documented().keySet()) {
      String path = concrete(template);
      for (int slash = path.indexOf('/', 1); slash > 0; slash = path.indexOf('/', slash + 1)) {
        parents.add(path.substring(0, slash));
      }
      parents.add(path);
    }
    int probed = 0;
    for (String parent : parents) {
      for (String segment : segments) {
        String path = parent + "/" + segment;
        if (matchesDocumented(path)) {
          continue;
        }
        for (String method : METHODS) {
          Api.Response r = send(admin, method, path);
          assertTrue(unserved(r), method + " " + path + " answers but is not documented: " + r);
          probed++;
        }
      }
    }
    assertTrue(probed > 1000, "probed only " + probed + " requests");
  }

  @Test
  void everyLiteralPathSegmentIsProbed() {
    for (String template : documented().keySet()) {
      for (String segment : template.substring(1).split("/")) {
        assertTrue(segment.startsWith("{") || SEGMENTS.contains(segment),
            segment + " of " + template + " is missing from SEGMENTS");
      }
    }
  }

  /** Operations that need a token answer 401 without one; those marked with the role admin answer 403 to a plain user. */
  @Test
  void theDocumentedSecurityIsEnforced() {
    Api user = Users.newUser(node.api, "openapi");
    JsonNode globalSecurity = document.get("security");
    documented().forEach((template, methods) -> {
      for (String method : methods) {
        JsonNode operation = document.get("paths").get(template).get(method.toLowerCase(Locale.ROOT));
        JsonNode security = operation.has("security") ? operation.get("security") : globalSecurity;
        String path = concrete(template) + requiredQuery(template, method);
        Api.Response anonymous = send(node.api, method, path);
        if (security.isEmpty()) {
          assertNotEquals(401, anonymous.status(), method + " " + template + " is documented as open: " + anonymous);
          continue;
        }
        assertEquals(401, anonymous.status(), method + " " + template + " is documented as needing a token: " + anonymous);
        boolean adminOnly = security.get(0).get("bearerAuth").toString().contains("\"admin\"");
        if (adminOnly) {
          Api.Response plain = send(user, method, path);
          assertEquals(403, plain.status(), method + " " + template + " is documented as admin-only: " + plain);
        }
      }
    });
  }

  /** A projection's status answers with the fields the document lists for it, no more and no fewer (its generations too). */
  @Test
  void theProjectionStatusHasTheDocumentedFields() {
    JsonNode status = admin.get("/admin/projections/" + PROJECTION).json();
    JsonNode schema = document.get("components").get("schemas").get("ProjectionStatus").get("properties");
    assertEquals(fieldNames(schema), fieldNames(status));
    assertEquals(fieldNames(schema.get("generations").get("items").get("properties")), fieldNames(status.get("generations").get(0)));
    assertEquals(status.get("version").asInt() != status.get("built_version").asInt(), status.get("rebuild_needed").asBoolean());
  }

  private static Set<String> fieldNames(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The enums the document lists are the code's: sort fields, statuses, roles, projection names. */
  @Test
  void theDocumentedEnumsAreTheCodes() {
    assertEquals(sortable(ItemQueries.SORTABLE), enumOf(parameter("/api/items", "get", "sort")));
    assertEquals(sortable(UserQueries.SORTABLE), enumOf(parameter("/api/users", "get", "sort")));
    assertEquals(sortable(CategoryQueries.SORTABLE), enumOf(parameter("/api/categories", "get", "sort")));
    JsonNode schemas = document.get("components").get("schemas");
    assertEquals(Item.STATUSES, enumOf(schemas.get("ItemStatus")));
    assertEquals(Arrays.stream(Role.values()).map(Role::label).collect(Collectors.toSet()), enumOf(schemas.get("Role")));
    assertEquals(Tablecast.PROJECTIONS.stream().map(p -> p.name()).collect(Collectors.toSet()),
        enumOf(document.get("components").get("parameters").get("name").get("schema")));
  }

  /**
   * Every text a client can have stored has a documented maximum, the code's: so every list page and
   * history entry, made of them, is bounded too.
   */
  @Test
  void everyTextAClientStoresHasTheCodesMaximum() {
    JsonNode schemas = document.get("components").get("schemas");
    List<String> unbounded = new ArrayList<>();
    for (String schema : List.of("NewItem", "ItemPatch", "NewCategory", "CategoryPatch", "NewUser", "UserPatch", "ProfileBody",
        "ProfilePatch")) {
      schemas.get(schema).get("properties").fields().forEachRemaining(p -> {
        JsonNode property = p.getValue().has("items") ? p.getValue().get("items") : p.getValue();
        boolean text = property.path("type").toString().contains("string") && !property.path("format").asText().equals("uuid");
        boolean stored = !p.getKey().equals("current_password"); // checked against the stored hash, never kept
        if (text && stored && !property.has("maxLength")) {
          unbounded.add(schema + "." + p.getKey());
        }
      });
    }
    assertEquals(List.of(), unbounded, "texts without a maxLength");
    for (String schema : List.of("NewItem", "ItemPatch")) {
      JsonNode item = schemas.get(schema).get("properties");
      assertEquals(Item.MAX_CONTENT_LENGTH, item.get("content").get("maxLength").asInt(), schema);
      assertEquals(Item.MAX_TITLE_LENGTH, item.get("title").get("maxLength").asInt(), schema);
      assertEquals(Item.MAX_TAG_LENGTH, item.get("tags").get("items").get("maxLength").asInt(), schema);
      assertEquals(Item.MAX_TAGS, item.get("tags").get("maxItems").asInt(), schema);
    }
    for (String schema : List.of("NewCategory", "CategoryPatch")) {
      JsonNode category = schemas.get(schema).get("properties");
      assertEquals(Category.MAX_NAME_LENGTH, category.get("name").get("maxLength").asInt(), schema);
      assertEquals(Category.MAX_DESCRIPTION_LENGTH, category.get("description").get("maxLength").asInt(), schema);
    }
    assertEquals(User.MAX_NAME_LENGTH, schemas.get("NewUser").get("properties").get("full_name").get("maxLength").asInt());
    assertEquals(User.MAX_NAME_LENGTH, schemas.get("UserPatch").get("properties").get("full_name").get("maxLength").asInt());
    assertEquals(User.MAX_EMAIL_LENGTH, schemas.get("NewUser").get("properties").get("email").get("maxLength").asInt());
    for (String schema : List.of("ProfileBody", "ProfilePatch")) {
      JsonNode profile = schemas.get(schema).get("properties");
      assertEquals(Profile.MAX_BIO_LENGTH, profile.get("bio").get("maxLength").asInt(), schema);
      assertEquals(Profile.MAX_WEBSITE_LENGTH, profile.get("website").get("maxLength").asInt(), schema);
      assertEquals(Profile.MAX_LOCATION_LENGTH, profile.get("location").get("maxLength").asInt(), schema);
      assertEquals(Profile.MAX_AVATAR_URL_LENGTH, profile.get("avatar_url").get("maxLength").asInt(), schema);
    }
  }

  private static Set<String> sortable(Set<String> fields) {
    Set<String> all = new TreeSet<>(fields);
    fields.forEach(f -> all.add("-" + f));
    return all;
  }

  private static JsonNode parameter(String path, String method, String name) {
    for (JsonNode p : document.get("paths").get(path).get(method).get("parameters")) {
      if (p.path("name").asText().equals(name)) {
        return p.get("schema");
      }
    }
    throw new AssertionError(method + " " + path + " documents no parameter " + name);
  }

  private static Set<String> enumOf(JsonNode schema) {
    Set<String> values = new TreeSet<>();
    schema.get("enum").forEach(v -> values.add(v.asText()));
    return values;
  }

  // ---- the document ----

  /** Path template to its documented methods, upper case. */
  private static Map<String, Set<String>> documented() {
    Map<String, Set<String>> paths = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = document.get("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      Set<String> methods = new LinkedHashSet<>();
      path.getValue().fieldNames().forEachRemaining(name -> {
        if (METHODS.contains(name.toUpperCase(Locale.ROOT)) || name.equals("head") || name.equals("options")) {
          methods.add(name.toUpperCase(Locale.ROOT));
        }
      });
      paths.put(path.getKey(), methods);
    }
    assertTrue(paths.size() >= 20, "the document has only " + paths.size() + " paths");
    return paths;
  }

  /** A template with its parameters filled: any id, a projection that exists, its first generation. */
  private static String concrete(String template) {
    return template.replace("{id}", ID).replace("{name}", PROJECTION).replace("{generation}", GENERATION);
  }

  /** The operation's required query parameters, so that a route that needs them is reached. */
  private static String requiredQuery(String template, String method) {
    JsonNode parameters = document.get("paths").get(template).get(method.toLowerCase(Locale.ROOT)).get("parameters");
    List<String> query = new ArrayList<>();
    if (parameters != null) {
      for (JsonNode p : parameters) {
        if (p.has("in") && p.get("in").asText().equals("query") && p.path("required").asBoolean(false)) {
          query.add(p.get("name").asText() + "=" + (p.path("schema").path("type").asText().equals("integer") ? "1" : "x"));
        }
      }
    }
    return query.isEmpty() ? "" : "?" + String.join("&", query);
  }

  /** True if a concrete path is an instance of a documented template (a parameter matches any one segment). */
  private static boolean matchesDocumented(String path) {
    String[] segments = path.substring(1).split("/");
    for (String template : documented().keySet()) {
      String[] parts = template.substring(1).split("/");
      if (parts.length != segments.length) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < parts.length && match; i++) {
        match = parts[i].startsWith("{") || parts[i].equals(segments[i]);
      }
      if (match) {
        return true;
      }
    }
    return false;
  }

  // ---- the server ----

  private static Api.Response send(Api api, String method, String path) {
    byte[] body = method.equals("POST") || method.equals("PATCH") || method.equals("PUT")
        ? "{}".getBytes(StandardCharsets.UTF_8)
        : new byte[0];
    return api.send(method, path, body.length == 0 ? null : "application/json", body, Map.of());
  }

  /**
   * Some route took the request: anything but the router's own "no route" 404 and 405. A route's
   * own 404 (no such item) has another detail, so it still counts as served.
   */
  private static boolean served(Api.Response r) {
    return r.status() != 405 && !(r.status() == 404 && NO_ROUTE.equals(detail(r)));
  }

  /**
   * No route took the request: 405, the router's "no route" 404, or the 404 a route gives a path
   * segment that is not an id (/api/users/me/x falls through to /api/users/{id}, and "me" is no id).
   */
  private static boolean unserved(Api.Response r) {
    if (r.status() == 405) {
      return true;
    }
    String detail = detail(r);
    return r.status() == 404 && (NO_ROUTE.equals(detail) || (detail != null && detail.endsWith("ids are UUIDs")));
  }

  private static String detail(Api.Response r) {
    if (r.contentType() == null || !r.contentType().startsWith("application/problem+json")) {
      return null;
    }
    JsonNode detail = r.json().get("detail");
    return detail == null ? null : detail.asText();
  }
}
