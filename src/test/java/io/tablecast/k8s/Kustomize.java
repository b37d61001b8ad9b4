package io.tablecast.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A deliberately small Kustomize: renders a kustomization directory into its list of resources,
 * supporting exactly the keys the project's manifests use, with kustomize's semantics and order
 * (patches, then namespace, then images). Anything else in a kustomization.yaml fails loudly
 * rather than being ignored, so a manifest change that needs more must extend this on purpose.
 *
 * <ul>
 *   <li>{@code resources}: files (multi-document YAML) and directories holding a kustomization
 *       (rendered recursively); no remote URLs.
 *   <li>{@code patches}: entries with only {@code path}, each file a strategic-merge patch whose
 *       apiVersion/kind/metadata.name pick the one resource it patches.
 *   <li>{@code namespace}: set on every namespaced resource (and on RoleBinding subjects that
 *       are ServiceAccounts without a namespace).
 *   <li>{@code images}: {@code name} with {@code newName} / {@code newTag} / {@code digest},
 *       applied to containers and initContainers of pod templates.
 * </ul>
 */
final class Kustomize {

  private static final Set<String> SUPPORTED_KEYS =
      Set.of("apiVersion", "kind", "resources", "namespace", "images", "patches");

  /** Strategic-merge keys of the lists that are merged element by element (others are replaced). */
  private static final Map<String, String> MERGE_KEYS = Map.of(
      "containers", "name",
      "initContainers", "name",
      "env", "name",
      "volumes", "name",
      "volumeMounts", "name",
      "imagePullSecrets", "name");

  private Kustomize() {}

  /** A rendered resource and the file it came from. */
  record Resource(ObjectNode node, String origin) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    String namespace() {
      return node.path("metadata").path("namespace").asText("");
    }

    String id() {
      return node.path("apiVersion").asText() + " " + kind() + " " + (namespace().isEmpty() ? "" : namespace() + "/") + name();
    }
  }

  static final class KustomizeException extends RuntimeException {
    KustomizeException(String message) {
      super(message);
    }
  }

  static List<Resource> render(Path kustomizationDir) {
    Path dir = kustomizationDir.toAbsolutePath().normalize();
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new KustomizeException(dir + ": no kustomization.yaml");
    }
    List<ObjectNode> docs = KubernetesSchema.parseDocuments(read(file), file.toString());
    if (docs.size() != 1) {
      throw new KustomizeException(file + ": expected exactly one document");
    }
    ObjectNode k = docs.get(0);
    for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!SUPPORTED_KEYS.contains(key)) {
        throw new KustomizeException(file + ": unsupported kustomization key '" + key + "' (supported: " + SUPPORTED_KEYS + ")");
      }
    }
    require(k.path("apiVersion").asText().equals("kustomize.config.k8s.io/v1beta1"), file, "apiVersion must be kustomize.config.k8s.io/v1beta1");
    require(k.path("kind").asText().equals("Kustomization"), file, "kind must be Kustomization");

    List<Resource> resources = new ArrayList<>();
    for (JsonNode entry : list(k, "resources", file)) {
      require(entry.isTextual(), file, "resources entries must be strings");
      String ref = entry.asText();
      require(!ref.contains("://") && !ref.startsWith("github.com/"), file, "remote resources are not supported: " + ref);
      Path target = dir.resolve(ref).normalize();
      if (Files.isDirectory(target)) {
        resources.addAll(render(target));
      } else if (Files.isRegularFile(target)) {
        require(target.startsWith(dir.normalize()), file, "file outside the kustomization directory: " + ref);
        for (ObjectNode doc : KubernetesSchema.parseDocuments(read(target), target.toString())) {
          resources.add(new Resource(doc, target.toString()));
        }
      } else {
        throw new KustomizeException(file + ": resource not found: " + ref);
      }
    }
    checkUnique(resources, file);

    for (JsonNode entry : list(k, "patches", file)) {
      require(entry.isObject(), file, "patches entries must be mappings");
      for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        require(key.equals("path"), file, "unsupported patch field '" + key + "' (only 'path' with a strategic-merge patch file)");
      }
      Path patchFile = dir.resolve(entry.path("path").asText()).normalize();
      require(Files.isRegularFile(patchFile), file, "patch not found: " + patchFile);
      require(patchFile.startsWith(dir.normalize()), file, "patch outside the kustomization directory: " + patchFile);
      for (ObjectNode patch : KubernetesSchema.parseDocuments(read(patchFile), patchFile.toString())) {
        Resource target = findPatchTarget(resources, patch, patchFile);
        ObjectNode patchBody = patch.deepCopy();
        strategicMerge(target.node(), patchBody, patchFile + ": ");
      }
    }

    if (k.has("namespace")) {
      String ns = k.path("namespace").asText();
      require(!ns.isBlank(), file, "namespace must not be empty");
      for (Resource r : resources) {
        if (KubernetesSchema.CLUSTER_SCOPED_KINDS.contains(r.kind())) {
          continue;
        }
        ((ObjectNode) r.node().path("metadata")).put("namespace", ns);
        if (r.kind().equals("RoleBinding")) {
          for (JsonNode subject : r.node().path("subjects")) {
            if (subject.path("kind").asText().equals("ServiceAccount") && !subject.has("namespace")) {
              ((ObjectNode) subject).put("namespace", ns);
            }
          }
        }
      }
      checkUnique(resources, file);
    }

    for (JsonNode image : list(k, "images", file)) {
      for (Iterator<String> it = image.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        require(Set.of("name", "newName", "newTag", "digest").contains(key), file, "unsupported images field '" + key + "'");
      }
      require(image.hasNonNull("name"), file, "images entry without name");
      require(!(image.has("newTag") && image.has("digest")), file, "images entry with both newTag and digest");
      int matched = 0;
      for (Resource r : resources) {
        for (ObjectNode container : podContainers(r.node())) {
          if (applyImage(container, image)) {
            matched++;
          }
        }
      }
      require(matched > 0, file, "images entry '" + image.path("name").asText() + "' matches no container");
    }
    return resources;
  }

  private static Resource findPatchTarget(List<Resource> resources, ObjectNode patch, Path patchFile) {
    String apiVersion = patch.path("apiVersion").asText();
    String kind = patch.path("kind").asText();
    String name = patch.path("metadata").path("name").asText();
    String ns = patch.path("metadata").path("namespace").asText("");
    List<Resource> matches = resources.stream()
        .filter(r -> r.node().path("apiVersion").asText().equals(apiVersion) && r.kind().equals(kind) && r.name().equals(name))
        .filter(r -> ns.isEmpty() || r.namespace().equals(ns))
        .toList();
    if (matches.size() != 1) {
      throw new KustomizeException(patchFile + ": patch for " + apiVersion + " " + kind + " " + name
          + " must match exactly one resource, matched " + matches.size());
    }
    return matches.get(0);
  }

  /** Strategic merge patch: mappings merge, lists with a merge key merge by it, other lists and scalars replace, null deletes. */
  static void strategicMerge(ObjectNode target, ObjectNode patch, String where) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.startsWith("$")) {
        throw new KustomizeException(where + "strategic-merge directive " + key + " is not supported");
      }
      JsonNode current = target.get(key);
      if (value.isNull()) {
        target.remove(key);
      } else if (value.isObject() && current != null && current.isObject()) {
        strategicMerge((ObjectNode) current, (ObjectNode) value, where);
      } else if (value.isArray() && current != null && current.isArray() && mergeKey(key, value) != null) {
        mergeList((ArrayNode) current, (ArrayNode) value, mergeKey(key, value), where);
      } else {
        target.set(key, value.deepCopy());
      }
    }
  }

  private static String mergeKey(String field, JsonNode patchList) {
    if (field.equals("ports")) {
      // container ports merge by containerPort, Service ports by port
      return patchList.size() > 0 && patchList.get(0).has("containerPort") ? "containerPort" : "port";
    }
    return MERGE_KEYS.get(field);
  }

  private static void mergeList(ArrayNode target, ArrayNode patch, String mergeKey, String where) {
    for (JsonNode item : patch) {
      if (!item.isObject() || !item.has(mergeKey)) {
        throw new KustomizeException(where + "list element without merge key '" + mergeKey + "': " + item);
      }
      ObjectNode existing = null;
      for (JsonNode t : target) {
        if (Objects.equals(t.get(mergeKey), item.get(mergeKey))) {
          existing = (ObjectNode) t;
        }
      }
      if (existing != null) {
        strategicMerge(existing, (ObjectNode) item, where);
      } else {
        target.add(item.deepCopy());
      }
    }
  }

  private static List<ObjectNode> podContainers(ObjectNode resource) {
    JsonNode podSpec = resource.path("kind").asText().equals("Pod")
        ? resource.path("spec")
        : resource.path("spec").path("template").path("spec");
    List<ObjectNode> out = new ArrayList<>();
    for (String field : List.of("initContainers", "containers")) {
      for (JsonNode c : podSpec.path(field)) {
        out.add((ObjectNode) c);
      }
    }
    return out;
  }

  /** kustomize's image transformer for one container; true when the image name matched. */
  private static boolean applyImage(ObjectNode container, JsonNode rule) {
    String image = container.path("image").asText();
    String name = image;
    String tag = "";
    int at = image.indexOf('@');
    if (at >= 0) {
      name = image.substring(0, at);
      tag = image.substring(at);
    } else {
      int colon = image.lastIndexOf(':');
      if (colon > image.lastIndexOf('/')) {
        name = image.substring(0, colon);
        tag = image.substring(colon);
      }
    }
    if (!name.equals(rule.path("name").asText())) {
      return false;
    }
    if (rule.has("newName")) {
      name = rule.path("newName").asText();
    }
    if (rule.has("newTag")) {
      tag = ":" + rule.path("newTag").asText();
    }
    if (rule.has("digest")) {
      tag = "@" + rule.path("digest").asText();
    }
    container.put("image", name + tag);
    return true;
  }

  private static void checkUnique(List<Resource> resources, Path file) {
    Set<String> seen = new java.util.HashSet<>();
    for (Resource r : resources) {
      require(seen.add(r.id()), file, "duplicate resource " + r.id() + " (from " + r.origin() + ")");
    }
  }

  private static Iterable<JsonNode> list(ObjectNode k, String key, Path file) {
    JsonNode node = k.path(key);
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    require(node.isArray(), file, key + " must be a list");
    return node;
  }

  private static void require(boolean ok, Path file, String message) {
    if (!ok) {
      throw new KustomizeException(file + ": " + message);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
