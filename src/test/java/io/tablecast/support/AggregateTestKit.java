package io.tablecast.support;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What an aggregate's unit test runs on: an actor system with the application's configuration
 * (serialization included, which EventSourcedBehaviorTestKit checks for every command, event,
 * reply and state), without cluster or remoting, and the settings read from it.
 */
public abstract class AggregateTestKit {
  protected static ActorTestKit testKit;
  protected static Settings settings;

  @BeforeAll
  static void startTestKit() {
    Config config = ConfigFactory.parseString("akka.actor.provider = local")
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create(config);
    settings = Settings.from(config);
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }
}
