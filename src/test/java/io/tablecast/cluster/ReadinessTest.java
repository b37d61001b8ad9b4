package io.tablecast.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.CoordinatedShutdown;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A node is ready once started, and not from the moment its coordinated shutdown begins, whatever the reason. */
class ReadinessTest {
  private final ActorTestKit testKit = ActorTestKit.create(
      ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void readyOnceStartedAndNotFromTheFirstMomentOfAShutdown() {
    Readiness readiness = Readiness.get(testKit.system());
    assertFalse(readiness.ready(), "not started yet");
    readiness.markStarted();
    assertTrue(readiness.ready());

    CoordinatedShutdown.get(testKit.system()).run(CoordinatedShutdown.jvmExitReason());
    assertFalse(readiness.ready(), "a shutdown has begun (its phases may still be running)");
    assertTrue(readiness.started());
  }
}
