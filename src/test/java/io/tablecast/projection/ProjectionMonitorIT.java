package io.tablecast.projection;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.item.ItemProjection;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cheap "behind by more than N" check a rebuild's switch waits on says what the counted lag
 * says, for a generation that has processed nothing and for the live one once it has caught up;
 * generations measured together stand where each stands alone.
 */
class ProjectionMonitorIT {
  private static final int ITEMS = 7;

  @TempDir static Path dataDir;

  @Test
  void behindByMoreThanAgreesWithTheCountedLag() throws Exception {
    try (TestNode node = TestNode.start(dataDir, Users.ADMIN_CONFIG)) {
      Api api = Users.admin(node.api);
      for (int i = 0; i < ITEMS; i++) {
        assertEquals(201, api.post("/api/items", "{\"title\":\"item " + i + "\",\"content\":\"x\"}").status());
      }
      ReadProjection<?> items = ItemProjection.definition();
      ProjectionMonitor monitor = new ProjectionMonitor(
          node.node.database().dataSource(), node.node.system().settings().config().getInt("tablecast.projections.slices"));

      // A generation with no committed offsets: every item's Created lies ahead of it.
      Generation fresh = new Generation("items", 99, Generation.BUILDING, 1, false, null, Instant.now(), null);
      assertEquals(ITEMS, monitor.progress(items, fresh).lagEvents());
      assertTrue(monitor.behindByMoreThan(items, fresh, 0));
      assertTrue(monitor.behindByMoreThan(items, fresh, ITEMS - 1));
      assertFalse(monitor.behindByMoreThan(items, fresh, ITEMS));

      Generation live = new Generation("items", 1, Generation.LIVE, 1, false, null, Instant.now(), null);
      eventually(Duration.ofSeconds(30), () -> lag(monitor, items, live), lag -> lag == 0);
      assertFalse(monitor.behindByMoreThan(items, live, 0));

      // Asked together (as the status asks for every kept generation), each stands where it stood alone.
      var both = monitor.progress(items, java.util.List.of(live, fresh));
      assertEquals(0, both.get(live).lagEvents());
      assertEquals(ITEMS, both.get(live).eventsDone());
      assertEquals(ITEMS, both.get(fresh).lagEvents());
      assertEquals(0, both.get(fresh).eventsDone());
    }
  }

  private static long lag(ProjectionMonitor monitor, ReadProjection<?> projection, Generation generation) {
    try {
      return monitor.progress(projection, generation).lagEvents();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
