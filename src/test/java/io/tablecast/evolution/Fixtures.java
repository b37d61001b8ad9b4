package io.tablecast.evolution;

import akka.actor.ActorSystem;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tablecast.category.Category;
import io.tablecast.item.Item;
import io.tablecast.profile.Profile;
import io.tablecast.unique.UniqueValue;
import io.tablecast.user.User;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The serialized event fixtures under {@code src/test/resources/events}: one file per event (and
 * snapshot state) class and version, holding exactly what the journal stores for it — serializer
 * id, manifest and payload.
 */
final class Fixtures {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Directory under {@code events/} → the aggregate whose events (and snapshot state) live there. */
  static final Map<String, Class<?>> AGGREGATES = new LinkedHashMap<>();

  static {
    AGGREGATES.put("item", Item.class);
    AGGREGATES.put("user", User.class);
    AGGREGATES.put("category", Category.class);
    AGGREGATES.put("profile", Profile.class);
    AGGREGATES.put("unique", UniqueValue.class);
  }

  /** One journal row's serialized event (or snapshot table row's state). */
  record Serialized(int serializerId, String manifest, byte[] payload) {}

  private Fixtures() {}

  /** The application's own configuration, without cluster or remoting: only serialization is used. */
  static ActorSystem serializationSystem() {
    Config config = ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load());
    return ActorSystem.create("fixtures", config);
  }

  /** Every persisted class of an aggregate: the permitted subclasses of its sealed Event, and its State. */
  static List<Class<?>> persistedClasses(Class<?> aggregate) {
    List<Class<?>> classes = new ArrayList<>();
    for (Class<?> nested : aggregate.getDeclaredClasses()) {
      if (nested.getSimpleName().equals("Event")) {
        classes.addAll(List.of(nested.getPermittedSubclasses()));
      }
    }
    for (Class<?> nested : aggregate.getDeclaredClasses()) {
      if (nested.getSimpleName().equals("State")) {
        classes.add(nested);
      }
    }
    return classes;
  }

  /** The version new data of this class is written with: its migration's current version, else 1. */
  static int currentVersion(Config config, Class<?> persisted) {
    String path = "akka.serialization.jackson.migrations.\"" + persisted.getName() + "\"";
    if (!config.hasPath(path)) {
      return 1;
    }
    try {
      Object migration = Class.forName(config.getString(path)).getDeclaredConstructor().newInstance();
      return ((akka.serialization.jackson.JacksonMigration) migration).currentVersion();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  static String name(String aggregate, Class<?> persisted, int version) {
    return aggregate + "/" + persisted.getSimpleName() + ".v" + version;
  }

  /**
   * A fixture's name: {@code <aggregate>/<Class>.v<version>}, or with a variant after it,
   * {@code <Class>.v<version>.<variant>}: another shape of the same version (optional fields set).
   */
  record Name(String aggregate, String simpleClassName, int version, String variant) {
    static Name parse(String name) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("([^/]+)/([^.]+)\\.v(\\d+)(?:\\.([a-z0-9-]+))?").matcher(name);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a fixture name: " + name);
      }
      return new Name(m.group(1), m.group(2), Integer.parseInt(m.group(3)), m.group(4));
    }

    /** The persisted class the fixture is of. */
    Class<?> type() {
      return persistedClasses(AGGREGATES.get(aggregate)).stream()
          .filter(c -> c.getSimpleName().equals(simpleClassName))
          .findFirst()
          .orElseThrow(() -> new AssertionError(aggregate + "/" + simpleClassName + " names no persisted class"));
    }
  }

  static String resource(String name) {
    return "events/" + name + ".json";
  }

  /** The fixture, from the test classpath; null when there is none. */
  static Serialized read(String name) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource(name))) {
      if (in == null) {
        return null;
      }
      JsonNode json = MAPPER.readTree(in);
      return new Serialized(json.get("serializer_id").intValue(), json.get("manifest").textValue(),
          json.get("payload").textValue().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Serialized serialize(Serialization serialization, Object event) {
    Serializer serializer = serialization.findSerializerFor(event);
    return new Serialized(serializer.identifier(), Serializers.manifestFor(serializer, event), serializer.toBinary(event));
  }

  static Object deserialize(Serialization serialization, Serialized serialized) {
    return serialization.deserialize(serialized.payload(), serialized.serializerId(), serialized.manifest()).get();
  }

  /** Writes a fixture file; refuses to overwrite one (fixtures are never edited). */
  static void write(Path resources, String name, Serialized serialized) throws IOException {
    Path file = resources.resolve(resource(name));
    if (Files.exists(file)) {
      throw new IllegalStateException(file + " exists; fixtures are never rewritten");
    }
    String payload = new String(serialized.payload(), StandardCharsets.UTF_8);
    if (!java.util.Arrays.equals(payload.getBytes(StandardCharsets.UTF_8), serialized.payload())) {
      throw new IllegalStateException(name + ": payload is not UTF-8 text (compressed?)");
    }
    ObjectNode json = MAPPER.createObjectNode();
    json.put("serializer_id", serialized.serializerId());
    json.put("manifest", serialized.manifest());
    json.put("payload", payload);
    Files.createDirectories(file.getParent());
    Files.writeString(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
  }
}
