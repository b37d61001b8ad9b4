package io.tablecast.evolution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the missing fixtures of the current versions from {@link EventSamples}; never overwrites
 * one. Not part of the build (its name is no *Test); run it after adding an event class or a
 * version, then commit the new files:
 *
 * <pre>mvn -B -q test -Dtest=FixtureGenerator -Dfixtures.generate=true</pre>
 */
class FixtureGenerator {
  @Test
  @EnabledIfSystemProperty(named = "fixtures.generate", matches = "true")
  void writeMissingFixtures() throws Exception {
    Path resources = Path.of("src/test/resources");
    assertTrue(Files.isDirectory(resources), "run from the project directory");
    ActorSystem system = Fixtures.serializationSystem();
    try {
      Config config = system.settings().config();
      List<String> written = new ArrayList<>();
      for (Map.Entry<String, Class<?>> aggregate : Fixtures.AGGREGATES.entrySet()) {
        for (Class<?> persisted : Fixtures.persistedClasses(aggregate.getValue())) {
          String name = Fixtures.name(aggregate.getKey(), persisted, Fixtures.currentVersion(config, persisted));
          if (Fixtures.read(name) != null || Files.exists(resources.resolve(Fixtures.resource(name)))) {
            continue;
          }
          Object sample = EventSamples.ALL.get(name);
          if (sample == null) {
            throw new IllegalStateException("add a sample for " + name + " to EventSamples");
          }
          Fixtures.write(resources, name, Fixtures.serialize(SerializationExtension.get(system), sample));
          written.add(name);
        }
      }
      // Variants of current versions (<Class>.v<N>.<variant>): other shapes that today's code writes.
      for (Map.Entry<String, Object> sample : EventSamples.ALL.entrySet()) {
        Fixtures.Name name = Fixtures.Name.parse(sample.getKey());
        if (name.variant() == null || name.version() != Fixtures.currentVersion(config, name.type())
            || Files.exists(resources.resolve(Fixtures.resource(sample.getKey())))) {
          continue;
        }
        Fixtures.write(resources, sample.getKey(), Fixtures.serialize(SerializationExtension.get(system), sample.getValue()));
        written.add(sample.getKey());
      }
      System.out.println("fixtures written: " + written);
    } finally {
      system.terminate();
    }
  }
}
