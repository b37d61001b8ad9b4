package io.tablecast.evolution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every committed fixture (old versions included) still deserializes, through Akka's serialization
 * and the configured migrations, to the expected object of the current class; and every persisted
 * class has a fixture of each of its versions, the current one byte for byte what is written today.
 */
class EventFixturesTest {
  private static ActorSystem system;
  private static Serialization serialization;
  private static Config config;

  @BeforeAll
  static void start() {
    system = Fixtures.serializationSystem();
    serialization = SerializationExtension.get(system);
    config = system.settings().config();
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void everyFixtureDeserializesToItsExpectedObject() throws Exception {
    List<String> names = fixtureNames();
    assertTrue(names.size() >= EventSamples.ALL.size(), "fixtures found: " + names);
    for (String name : names) {
      Object expected = EventSamples.ALL.get(name);
      assertNotNull(expected, "no expected object for fixture " + name + " in EventSamples");
      Object actual = Fixtures.deserialize(serialization, Fixtures.read(name));
      assertEquals(expected.getClass(), actual.getClass(), name);
      assertEquals(expected, actual, name);
    }
  }

  @Test
  void everyPersistedClassHasAFixtureOfEachOfItsVersions() {
    List<String> missing = new ArrayList<>();
    int classes = 0;
    for (Map.Entry<String, Class<?>> aggregate : Fixtures.AGGREGATES.entrySet()) {
      List<Class<?>> persisted = Fixtures.persistedClasses(aggregate.getValue());
      assertTrue(persisted.size() >= 2, aggregate.getKey() + " has an Event interface and a State: " + persisted);
      for (Class<?> type : persisted) {
        classes++;
        for (int version = 1; version <= Fixtures.currentVersion(config, type); version++) {
          String name = Fixtures.name(aggregate.getKey(), type, version);
          if (Fixtures.read(name) == null) {
            missing.add(name);
          }
        }
      }
    }
    assertTrue(missing.isEmpty(), "missing fixtures (see FixtureGenerator): " + missing);
    assertTrue(classes >= 28, "persisted classes found: " + classes);
  }

  /** A variant of a current version (optional fields set) is written today exactly as its fixture too. */
  @Test
  void everyVariantOfACurrentVersionIsWrittenExactlyAsItsFixture() throws Exception {
    int variants = 0;
    for (String name : fixtureNames()) {
      Fixtures.Name parsed = Fixtures.Name.parse(name);
      if (parsed.variant() == null || parsed.version() != Fixtures.currentVersion(config, parsed.type())) {
        continue;
      }
      variants++;
      Fixtures.Serialized fixture = Fixtures.read(name);
      Fixtures.Serialized today = Fixtures.serialize(serialization, Fixtures.deserialize(serialization, fixture));
      assertEquals(fixture.manifest(), today.manifest(), name);
      assertArrayEquals(fixture.payload(), today.payload(),
          name + " is written differently today: add a version with a JacksonMigration and a new fixture");
    }
    assertTrue(variants >= 2, "variant fixtures found: " + variants);
  }

  /** A changed serialized form needs a new version, a migration and a new fixture; never an edited fixture. */
  @Test
  void theCurrentVersionIsWrittenExactlyAsItsFixture() {
    for (Map.Entry<String, Class<?>> aggregate : Fixtures.AGGREGATES.entrySet()) {
      for (Class<?> type : Fixtures.persistedClasses(aggregate.getValue())) {
        int current = Fixtures.currentVersion(config, type);
        String name = Fixtures.name(aggregate.getKey(), type, current);
        Fixtures.Serialized fixture = Fixtures.read(name);
        assertNotNull(fixture, name);
        Fixtures.Serialized today = Fixtures.serialize(serialization, Fixtures.deserialize(serialization, fixture));
        assertEquals(fixture.serializerId(), today.serializerId(), name);
        assertEquals(fixture.manifest(), today.manifest(), name);
        assertEquals(type.getName() + (current > 1 ? "#" + current : ""), today.manifest(), name);
        assertArrayEquals(fixture.payload(), today.payload(),
            name + " is written differently today: add a version with a JacksonMigration and a new fixture");
      }
    }
  }

  @Test
  void noFixtureIsNewerThanItsClass() throws Exception {
    for (String name : fixtureNames()) {
      Fixtures.Name parsed = Fixtures.Name.parse(name);
      assertTrue(parsed.version() >= 1 && parsed.version() <= Fixtures.currentVersion(config, parsed.type()), name);
    }
  }

  /** Fixture names ({@code <aggregate>/<Class>.v<version>}) of the files on the test classpath. */
  static List<String> fixtureNames() throws URISyntaxException, java.io.IOException {
    Path root = Path.of(EventFixturesTest.class.getClassLoader().getResource("events").toURI());
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".json"))
          .map(p -> root.relativize(p).toString().replace('\\', '/').replaceAll("\\.json$", ""))
          .sorted()
          .toList();
    }
  }
}
