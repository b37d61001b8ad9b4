package io.tablecast.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates Kubernetes manifests against the Kubernetes API types, as the API server's strict
 * decoding would: each document is bound to the typed API model of its apiVersion/kind, and it
 * is rejected when it has a field the type does not have (at any depth), a value of the wrong
 * JSON type (a string where an integer belongs, a number where a string belongs, a float for an
 * integer), a duplicate key, an unparsable quantity, or a kind this project does not expect.
 *
 * <p>The model classes keep unknown fields in {@code additionalProperties} instead of failing;
 * {@link #checkNoUnknownFields} walks the bound object and fails on any such field.
 */
final class KubernetesSchema {

  /** The only API types the manifests may use; add one here (and its model artifact) to use a new kind. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
      Map.entry("v1/Namespace", Namespace.class),
      Map.entry("v1/ServiceAccount", ServiceAccount.class),
      Map.entry("v1/ConfigMap", ConfigMap.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("apps/v1/StatefulSet", StatefulSet.class),
      Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class));

  /** Kinds that live outside namespaces (kustomize's namespace does not apply to them). */
  static final Set<String> CLUSTER_SCOPED_KINDS = Set.of("Namespace");

  /** YAML reader/binder with every lenient default of Jackson turned off. */
  static final ObjectMapper MAPPER = YAMLMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .addModule(new SimpleModule("strict-strings").addDeserializer(String.class, new StrictString()))
      .build();

  private KubernetesSchema() {}

  /** A manifest that does not match the Kubernetes API. */
  static final class InvalidManifestException extends RuntimeException {
    InvalidManifestException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Parses a (multi-document) YAML text into its non-empty documents. */
  static List<ObjectNode> parseDocuments(String yaml, String origin) {
    List<ObjectNode> docs = new ArrayList<>();
    try (var it = MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if (!doc.isObject()) {
          throw new InvalidManifestException(origin + ": a document is not a mapping: " + doc, null);
        }
        docs.add((ObjectNode) doc);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidManifestException ime) {
        throw ime;
      }
      throw new InvalidManifestException(origin + ": not valid YAML: " + e.getMessage(), e);
    }
    return docs;
  }

  /** Binds one document to its API type and checks it; returns the typed object. */
  static HasMetadata validate(JsonNode doc, String origin) {
    String apiVersion = doc.path("apiVersion").asText("");
    String kind = doc.path("kind").asText("");
    Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
    String where = origin + " (" + apiVersion + " " + kind + " " + doc.path("metadata").path("name").asText("?") + ")";
    if (type == null) {
      throw new InvalidManifestException(where + ": unknown or unexpected apiVersion/kind; expected one of " + KINDS.keySet(), null);
    }
    HasMetadata typed;
    try {
      typed = MAPPER.treeToValue(doc, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidManifestException(where + ": " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    checkNoUnknownFields(typed, "", problems);
    if (typed.getMetadata() == null || isBlank(typed.getMetadata().getName())) {
      problems.add("metadata.name: required");
    }
    if (typed instanceof Secret secret && secret.getData() != null) {
      secret.getData().forEach((k, v) -> {
        try {
          Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
          problems.add("data." + k + ": not base64");
        }
      });
    }
    if (!problems.isEmpty()) {
      throw new InvalidManifestException(where + ": " + String.join("; ", problems), null);
    }
    return typed;
  }

  /**
   * Fails on unknown fields anywhere in a bound model object: the model classes collect them in
   * additionalProperties. Also checks the loosely typed leaves (quantities, int-or-string).
   */
  static void checkNoUnknownFields(Object value, String path, List<String> problems) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        checkNoUnknownFields(list.get(i), path + "[" + i + "]", problems);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> checkNoUnknownFields(v, path + "." + k, problems));
      return;
    }
    if (value instanceof Quantity quantity) {
      try {
        BigDecimal amount = quantity.getNumericalAmount();
        if (amount.signum() < 0) {
          problems.add(path + ": negative quantity " + quantity);
        }
      } catch (RuntimeException e) {
        problems.add(path + ": not a quantity: " + quantity);
      }
      if (!quantity.getAdditionalProperties().isEmpty()) {
        problems.add(path + ": unknown fields " + quantity.getAdditionalProperties().keySet());
      }
      return;
    }
    if (value instanceof IntOrString ios) {
      Object v = ios.getValue();
      if (!(v instanceof Integer || v instanceof String)) {
        problems.add(path + ": must be an integer or a string, got " + v);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return; // String, Integer, Boolean, Long ...
    }
    BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(value.getClass()));
    for (BeanPropertyDefinition property : bean.findProperties()) {
      AnnotatedMember getter = property.getAccessor();
      if (getter == null) {
        continue;
      }
      Object child = getter.getValue(value);
      String childPath = path.isEmpty() ? property.getName() : path + "." + property.getName();
      if (property.getName().equals("additionalProperties")) {
        continue;
      }
      checkNoUnknownFields(child, childPath, problems);
    }
    try {
      var method = value.getClass().getMethod("getAdditionalProperties");
      Map<?, ?> extra = (Map<?, ?>) method.invoke(value);
      if (extra != null && !extra.isEmpty()) {
        for (Object key : extra.keySet()) {
          problems.add((path.isEmpty() ? "" : path + ".") + key + ": unknown field");
        }
      }
    } catch (NoSuchMethodException e) {
      // a model class without an escape hatch for unknown fields: nothing to check
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** A string field accepts only a YAML string: `value: 4` or `value: true` is rejected. */
  private static final class StrictString extends StdScalarDeserializer<String> {
    StrictString() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.hasToken(JsonToken.VALUE_STRING)) {
        return p.getText();
      }
      return (String) ctxt.handleUnexpectedToken(String.class, p);
    }
  }
}
