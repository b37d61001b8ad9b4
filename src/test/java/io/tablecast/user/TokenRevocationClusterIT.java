package io.tablecast.user;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.zaxxer.hikari.HikariDataSource;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
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
      Map<String, Object> joining = new HashMap<>(Users.ADMIN_CONFIG);
      joining.put("tablecast.database.url", ((HikariDataSource) a.node.database().dataSource()).getJdbcUrl());
      joining.put("akka.cluster.seed-nodes", List.of(Cluster.get(a.node.system()).selfMember().address().toString()));
      joining.put("tablecast.cluster.join-self", false);
      try (TestNode b = TestNode.start(second, joining)) {
        eventually(Duration.ofSeconds(30), () -> StreamSupport.stream(
                Cluster.get(a.node.system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status().equals(MemberStatus.up())).count(), n -> n == 2);

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
