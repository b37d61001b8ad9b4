package io.tablecast.user;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** users.display_name: a DDL-only migration plus a projection change, backfilled by a rebuild. */
class UserDisplayNameIT {
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  @Test
  void displayNameDerivesFromTheFullNameAndARebuildBackfillsIt() throws Exception {
    try (TestNode node = TestNode.start(dataDir, Users.withAdmin(Map.of("tablecast.projections.rebuild.poll-interval", "200ms")))) {
      Api admin = node.admin();
      DataSource db = node.node.database().dataSource();
      String email = Users.uniqueEmail("ada");
      Api.Response registered = node.api.post("/api/users",
          "{\"email\":\"" + email + "\",\"password\":\"" + Users.PASSWORD + "\",\"full_name\":\"Ada  Lovelace\"}");
      assertEquals(201, registered.status(), registered.toString());
      assertEquals("Ada L.", registered.json().get("display_name").asText());
      String id = registered.json().get("id").asText();
      String query = "SELECT display_name FROM read.users WHERE id = '" + id + "'";
      eventually(WITHIN, () -> Tables.text(db, query), "Ada L."::equals);

      Api ada = node.api.withToken(Users.token(node.api, email, Users.PASSWORD));
      assertEquals(200, ada.patch("/api/users/" + id, "{\"full_name\":\"Augusta Ada King\"}").status());
      eventually(WITHIN, () -> Tables.text(db, query), "Augusta K."::equals);

      // As if these rows had been projected before V2 added the column: the rebuild backfills it.
      Tables.execute(db, "UPDATE users_g1.users SET display_name = NULL");
      assertEquals(202, admin.post("/admin/projections/users/rebuild", "").status());
      eventually(WITHIN, () -> generation(admin), g -> g == 2);
      assertEquals("Augusta K.", Tables.text(db, query));
      JsonNode listed = admin.get("/api/users?email=" + email).json().get("data").get(0);
      assertEquals("Augusta K.", listed.get("display_name").asText());
    }
  }

  private static int generation(Api admin) {
    for (JsonNode p : admin.get("/admin/projections").json().get("data")) {
      if (p.get("name").asText().equals("users")) {
        return p.get("generation").asInt();
      }
    }
    return 0;
  }
}
