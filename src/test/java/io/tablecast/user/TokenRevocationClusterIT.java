package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password change made through one node ends the tokens issued before it on every node, the
 * node that issued them and has already verified (and remembered) them included.
 */
class TokenRevocationClusterIT {
  @TempDir Path first;
  @TempDir Path second;

  @Test
  void aPasswordChangeThroughOneNodeEndsEarlierTokensOnBoth() throws Exception {
    try (TestNode a = TestNode.start(first, Users.ADMIN_CONFIG)) {
      try (TestNode b = TestNode.startJoining(second, a, Users.ADMIN_CONFIG)) {

        String email = Users.uniqueEmail("two-nodes");
        String id = Users.register(a.api, email).get("id").asText();
        String token = Users.token(a.api, email, Users.PASSWORD);
        assertEquals(200, a.api.withToken(token).get("/api/users/me").status(), "issued and verified by a");
        assertEquals(200, b.api.withToken(token).get("/api/users/me").status(), "and verified by b");

        Api.Response changed = b.api.withToken(token).patch("/api/users/" + id,
            "{\"password\":\"a-new-password\",\"current_password\":\"" + Users.PASSWORD + "\"}");
        assertEquals(200, changed.status(), changed.toString());
        assertEquals(401, a.api.withToken(token).get("/api/users/me").status(), "void on the node that issued it");
        assertEquals(401, b.api.withToken(token).get("/api/users/me").status(), "void on the node that changed it");

        String fresh = Users.token(b.api, email, "a-new-password");
        assertEquals(200, a.api.withToken(fresh).get("/api/users/me").status());
        assertEquals(200, b.api.withToken(fresh).get("/api/users/me").status());
      }
    }
  }
}
