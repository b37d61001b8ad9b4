package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tablecast.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** At most threads + max-waiting hashes are admitted at once; the next is refused at once, not queued. */
class HashingPoolTest {

  @Test
  void workBeyondThePoolAndItsQueueIsRefusedAtOnce() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(1);
    try {
      HashingPool pool = new HashingPool(threads, new Settings.Hashing(1, 2));
      CountDownLatch release = new CountDownLatch(1);
      List<CompletableFuture<String>> admitted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        admitted.add(pool.<String>run(() -> {
          release.await();
          return "hashed";
        }).toCompletableFuture());
      }
      CompletableFuture<String> refused = pool.run(() -> "hashed").toCompletableFuture();
      ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
      assertInstanceOf(HashingPool.Busy.class, e.getCause());

      release.countDown();
      for (CompletableFuture<String> f : admitted) {
        assertEquals("hashed", f.get(5, TimeUnit.SECONDS));
      }
      assertEquals("hashed", pool.run(() -> "hashed").toCompletableFuture().get(5, TimeUnit.SECONDS),
          "admitted again once the work is done");
      CompletableFuture<String> failing = pool.<String>run(() -> {
        throw new IllegalStateException("broken");
      }).toCompletableFuture();
      assertThrows(ExecutionException.class, () -> failing.get(5, TimeUnit.SECONDS));
      for (int i = 0; i < 3; i++) {
        assertEquals("hashed", pool.run(() -> "hashed").toCompletableFuture().get(5, TimeUnit.SECONDS),
            "failed work gives its place back too");
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
