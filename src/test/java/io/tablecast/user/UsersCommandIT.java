package io.tablecast.user;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.JarProcess;
import io.tablecast.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `tablecast users create-admin` with the packaged jar: idempotent, and the admin can then log in. */
class UsersCommandIT {
  @TempDir Path dataDir;

  @Test
  void createAdminMakesAnAdminWhoCanLogIn() throws Exception {
    Path log = dataDir.resolve("tablecast.log");
    String email = "Root@Example.com";
    Map<String, String> env = Map.of("ADMIN_PASSWORD", "root-password-1");
    assertEquals(0, JarProcess.run(dataDir, log, env, "users", "create-admin", "--email", email), Files.readString(log));
    assertEquals(0, JarProcess.run(dataDir, log, env, "users", "create-admin", "--email", email), "idempotent");
    assertEquals(2, JarProcess.run(dataDir, log, Map.of(), "users", "create-admin", "--email", email), "no password, no admin");

    try (JarProcess node = JarProcess.serve(dataDir, log, Map.of())) {
      Api admin = node.api.withToken(Users.token(node.api, "root@example.com", "root-password-1"));
      Api.Response admins = eventually(Duration.ofSeconds(20), () -> admin.get("/api/users?role=admin"),
          r -> r.status() == 200 && r.json().get("total").asLong() == 1);
      assertEquals("root@example.com", admins.json().get("data").get(0).get("email").asText());
      assertTrue(!Files.readString(log).contains("root-password-1"), "the password is never logged");
    }
  }
}
