package io.tablecast.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a node finds its cluster, as the environment variables of config/application.conf say it. */
class ClusterFormationSettingsTest {

  private static Config config(Map<String, Object> overrides) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.load(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultApplication()));
  }

  @Test
  void aLoneNodeJoinsItselfByDefault() {
    Settings settings = Settings.from(config(Map.of()));
    assertTrue(settings.joinSelf());
    assertFalse(settings.cluster().bootstraps());
    assertEquals(List.of(), settings.cluster().seedNodes());
  }

  @Test
  void seedNodesAreACommaSeparatedListOfAddresses() {
    Settings settings = Settings.from(config(Map.of(
        "tablecast.cluster.seed-nodes", " akka://tablecast@127.0.0.1:25520, akka://tablecast@127.0.0.1:25521 ,")));
    assertEquals(List.of("akka://tablecast@127.0.0.1:25520", "akka://tablecast@127.0.0.1:25521"), settings.cluster().seedNodes());
  }

  @Test
  void aSeedNodeMustBeAnAkkaAddress() {
    assertThrows(IllegalArgumentException.class,
        () -> Settings.from(config(Map.of("tablecast.cluster.seed-nodes", "127.0.0.1:25520"))));
  }

  @Test
  void bootstrapNamesTheDiscoveryMethodThatAkkaManagementUses() {
    Config config = config(Map.of("tablecast.cluster.bootstrap", "kubernetes-api"));
    Settings settings = Settings.from(config);
    assertTrue(settings.cluster().bootstraps());
    assertEquals("kubernetes-api", settings.cluster().bootstrap());
    assertEquals("kubernetes-api", config.getString("akka.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
  }

  @Test
  void seedNodesAndBootstrapExcludeEachOther() {
    assertThrows(IllegalArgumentException.class, () -> Settings.from(config(Map.of(
        "tablecast.cluster.bootstrap", "kubernetes-api",
        "tablecast.cluster.seed-nodes", "akka://tablecast@127.0.0.1:25520"))));
  }

  @Test
  void downingWaitsForAStableClusterForTwentySecondsUnlessTold() {
    Config config = config(Map.of());
    assertEquals("keep-majority", config.getString("akka.cluster.split-brain-resolver.active-strategy"));
    assertEquals(20, config.getDuration("akka.cluster.split-brain-resolver.stable-after").toSeconds());
    assertEquals(List.of("Up"), config.getStringList("akka.management.cluster.health-check.ready-states"));
    assertEquals(2, config.getInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
  }
}
