package io.tablecast.k8s;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.tablecast.k8s.KubernetesSchema.InvalidManifestException;
import io.tablecast.k8s.Kustomize.KustomizeException;
import io.tablecast.k8s.Kustomize.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests in k8s/: every file matches the Kubernetes API types (no unknown
 * fields, no wrong types), every kustomization renders, and the rendered overlays hold together
 * (names, labels, ports and references that Akka Cluster Bootstrap and Kubernetes rely on).
 */
class KubernetesManifestsTest {

  static final String NAMESPACE = "tablecast";
  static final String APP = "tablecast";
  static final String SECRET = "tablecast-secrets";
  static final String CONFIG = "tablecast-config";
  static final Set<String> SECRET_KEYS = Set.of("DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD", "TOKEN_SECRET");
  static final Map<String, String> CONFIG_VALUES = Map.of(
      "PROJECTION_SLICES", "4",
      "CLUSTER_BOOTSTRAP", "kubernetes-api",
      "REQUIRED_CONTACT_POINTS", "2",
      "LOG_FORMAT", "json",
      "APP_MODE", "production");

  /** k8s/ of the project: -Dtablecast.k8s.dir, else ${basedir}/k8s (Surefire sets basedir). */
  static Path k8sDir() {
    String explicit = System.getProperty("tablecast.k8s.dir");
    Path dir = explicit != null
        ? Path.of(explicit)
        : Path.of(System.getProperty("basedir", ".")).resolve("k8s");
    assertTrue(Files.isDirectory(dir), "no k8s directory at " + dir.toAbsolutePath());
    return dir;
  }

  /** Every YAML file under k8s/ except the kustomization.yaml files, relative to k8s/. */
  static Stream<String> manifestFiles() throws IOException {
    Path root = k8sDir();
    try (Stream<Path> files = Files.walk(root)) {
      List<String> list = files
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
      assertFalse(list.isEmpty());
      return list.stream();
    }
  }

  static Stream<String> kustomizations() {
    return Stream.of("base", "overlays/dev", "overlays/prod");
  }

  /** A rendered kustomization, validated and bound to the API types. */
  record Rendered(String name, List<HasMetadata> objects) {
    static Rendered of(String kustomization) {
      List<Resource> resources = Kustomize.render(k8sDir().resolve(kustomization));
      List<HasMetadata> typed = new ArrayList<>();
      for (Resource r : resources) {
        typed.add(KubernetesSchema.validate(r.node(), r.origin() + " rendered by " + kustomization));
      }
      return new Rendered(kustomization, typed);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
      List<T> found = all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
      assertEquals(1, found.size(), this.name + ": expected one " + type.getSimpleName() + " " + name);
      return found.get(0);
    }

    Deployment deployment() {
      return one(Deployment.class, APP);
    }

    Container app() {
      return container(deployment().getSpec().getTemplate().getSpec(), APP);
    }
  }

  // ---------------------------------------------------------------- every file on its own

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifestFiles")
  void everyManifestFileMatchesTheKubernetesApi(String manifest) throws IOException {
    Path file = k8sDir().resolve(manifest);
    List<ObjectNode> docs = KubernetesSchema.parseDocuments(Files.readString(file), manifest);
    assertFalse(docs.isEmpty(), manifest + " has no document");
    for (ObjectNode doc : docs) {
      KubernetesSchema.validate(doc, manifest);
    }
  }

  @Test
  void secretTemplateHasEveryKeyAndOnlyPlaceholders() throws IOException {
    Path template = k8sDir().resolve("base/secret.template.yaml");
    Secret secret = (Secret) KubernetesSchema.validate(
        KubernetesSchema.parseDocuments(Files.readString(template), template.toString()).get(0), template.toString());
    assertEquals(SECRET, secret.getMetadata().getName());
    assertEquals(SECRET_KEYS, secret.getStringData().keySet());
    secret.getStringData().forEach((k, v) -> assertTrue(v.contains("REPLACE-ME"), k + " is not marked as a placeholder"));
    for (String k : kustomizations().toList()) {
      for (Resource resource : Kustomize.render(k8sDir().resolve(k))) {
        assertFalse(resource.origin().endsWith("secret.template.yaml"), k + " must not apply the template");
      }
    }
  }

  // ---------------------------------------------------------------- rendered kustomizations

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void rendersToValidResourcesInTheNamespace(String kustomization) {
    Rendered r = Rendered.of(kustomization);
    assertFalse(r.objects().isEmpty());
    for (HasMetadata o : r.objects()) {
      if (o.getKind().equals("Namespace")) {
        assertEquals(NAMESPACE, o.getMetadata().getName());
        assertEquals(null, o.getMetadata().getNamespace());
      } else {
        assertEquals(NAMESPACE, o.getMetadata().getNamespace(), o.getKind() + " " + o.getMetadata().getName());
      }
    }
    Set<String> kinds = r.objects().stream().map(HasMetadata::getKind).collect(Collectors.toSet());
    assertTrue(kinds.containsAll(Set.of("Namespace", "ServiceAccount", "Role", "RoleBinding", "ConfigMap",
        "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy")), kustomization + " renders " + kinds);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void deploymentFormsAnAkkaClusterSafely(String kustomization) {
    Rendered r = Rendered.of(kustomization);
    Deployment d = r.deployment();
    PodTemplateSpec template = d.getSpec().getTemplate();
    PodSpec pod = template.getSpec();
    Container app = r.app();
    assertAll(
        () -> assertEquals(3, d.getSpec().getReplicas()),
        () -> assertEquals(Map.of("app", APP), d.getSpec().getSelector().getMatchLabels()),
        () -> assertEquals(APP, template.getMetadata().getLabels().get("app"), "bootstrap selects app=" + APP),
        () -> assertEquals("RollingUpdate", d.getSpec().getStrategy().getType()),
        () -> assertEquals(new IntOrString(0), d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()),
        () -> assertEquals(new IntOrString(1), d.getSpec().getStrategy().getRollingUpdate().getMaxSurge()),
        () -> assertEquals(Map.of("management", 8558, "remoting", 25520, "http", 8080, "metrics", 9464),
            app.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort))),
        () -> assertHttpProbe(app, app.getReadinessProbe(), "/ready", "management"),
        () -> assertHttpProbe(app, app.getLivenessProbe(), "/alive", "management"),
        () -> {
          if (app.getStartupProbe() != null) {
            assertHttpProbe(app, app.getStartupProbe(), "/alive", "management");
          }
        },
        () -> assertTrue(env(app, "JAVA_TOOL_OPTIONS").contains("-XX:MaxRAMPercentage=75"), "container-aware heap"),
        () -> assertTrue(env(app, "JAVA_TOOL_OPTIONS").contains("-XX:+UseContainerSupport")),
        () -> assertTrue(env(app, "JAVA_TOOL_OPTIONS").contains("-XX:+ExitOnOutOfMemoryError"),
            "a JVM that ran out of memory exits rather than serve on"),
        () -> assertEquals("status.podIP", app.getEnv().stream().filter(e -> e.getName().equals("REMOTE_HOSTNAME"))
            .findFirst().orElseThrow().getValueFrom().getFieldRef().getFieldPath(), "remoting must advertise the pod IP"),
        () -> assertEquals("status.podIP", app.getEnv().stream().filter(e -> e.getName().equals("MANAGEMENT_HOSTNAME"))
            .findFirst().orElseThrow().getValueFrom().getFieldRef().getFieldPath(), "bootstrap probes the pod IP"),
        () -> assertEquals(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", String.valueOf(portNumber(app, "metrics")),
                "prometheus.io/path", "/metrics"),
            template.getMetadata().getAnnotations(), "scraped on the metrics port, which the NetworkPolicy opens to the scraper"),
        () -> assertResourcesSane(app),
        () -> {
          for (Container c : pod.getInitContainers()) {
            assertResourcesSane(c);
          }
        });

    // the service account exists and may list pods (kubernetes-api discovery)
    ServiceAccount sa = r.one(ServiceAccount.class, pod.getServiceAccountName());
    RoleBinding binding = r.all(RoleBinding.class).stream()
        .filter(b -> b.getSubjects().stream().anyMatch(s -> s.getKind().equals("ServiceAccount")
            && s.getName().equals(sa.getMetadata().getName()) && NAMESPACE.equals(s.getNamespace())))
        .findFirst().orElseThrow(() -> new AssertionError("no RoleBinding for the service account"));
    assertEquals("Role", binding.getRoleRef().getKind());
    Role role = r.one(Role.class, binding.getRoleRef().getName());
    assertTrue(role.getRules().stream().anyMatch(rule -> grants(rule, "pods", Set.of("get", "watch", "list"))),
        "the Role must allow get/watch/list on pods");

    // configuration: the ConfigMap is in the render, the Secret is either in it or external
    List<String> configMaps = app.getEnvFrom().stream().map(EnvFromSource::getConfigMapRef).filter(c -> c != null).map(c -> c.getName()).toList();
    List<String> secrets = app.getEnvFrom().stream().map(EnvFromSource::getSecretRef).filter(s -> s != null).map(s -> s.getName()).toList();
    assertEquals(List.of(CONFIG), configMaps);
    assertEquals(List.of(SECRET), secrets);
    ConfigMap config = r.one(ConfigMap.class, CONFIG);
    CONFIG_VALUES.forEach((k, v) -> assertEquals(v, config.getData().get(k), "ConfigMap " + k));
    assertEquals(APP, config.getData().get("AKKA_CLUSTER_BOOTSTRAP_SERVICE_NAME"), "pod-label-selector app=%s");
    assertPortExists(app, new IntOrString(config.getData().get("AKKA_CLUSTER_BOOTSTRAP_PORT_NAME")));
    assertTrue(Integer.parseInt(config.getData().get("REQUIRED_CONTACT_POINTS")) <= d.getSpec().getReplicas(),
        "a cluster can only form if the required contact points can all be up");
    assertEquals("false", config.getData().get("CLUSTER_JOIN_SELF"));
    // /metrics has a port of its own, and the API's port (open to all) serves none.
    assertEquals(String.valueOf(portNumber(app, "metrics")), config.getData().get("METRICS_PORT"));
    assertEquals("false", config.getData().get("METRICS_ON_API_PORT"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void aNetworkPolicyOpensManagementAndRemotingToMembersOnlyAndMetricsToTheScraperOnly(String kustomization) {
    Rendered r = Rendered.of(kustomization);
    Map<String, String> podLabels = r.deployment().getSpec().getTemplate().getMetadata().getLabels();
    List<NetworkPolicy> policies = r.all(NetworkPolicy.class).stream()
        .filter(p -> selects(p.getSpec().getPodSelector(), podLabels))
        .toList();
    assertEquals(1, policies.size(), kustomization + ": one NetworkPolicy selects the app's pods");
    assertIngressIsolated(policies.get(0), podLabels, r.app());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void serviceAndDisruptionBudgetSelectTheClusterPods(String kustomization) {
    Rendered r = Rendered.of(kustomization);
    Map<String, String> podLabels = r.deployment().getSpec().getTemplate().getMetadata().getLabels();
    Container app = r.app();

    Service http = r.one(Service.class, APP);
    assertTrue(podLabels.entrySet().containsAll(http.getSpec().getSelector().entrySet()));
    ServicePort port = http.getSpec().getPorts().get(0);
    assertEquals(80, port.getPort());
    assertEquals(new IntOrString("http"), port.getTargetPort());
    assertPortExists(app, port.getTargetPort());

    PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class, APP);
    assertEquals(new IntOrString(1), pdb.getSpec().getMaxUnavailable());
    assertTrue(podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
  }

  @Test
  void devRunsItsOwnPostgres() {
    Rendered dev = Rendered.of("overlays/dev");
    Secret secret = dev.one(Secret.class, SECRET);
    assertEquals(SECRET_KEYS, secret.getStringData().keySet());
    assertEquals("jdbc:postgresql://postgres:5432/tablecast", secret.getStringData().get("DATABASE_URL"));

    StatefulSet pg = dev.one(StatefulSet.class, "postgres");
    assertEquals(1, pg.getSpec().getReplicas());
    Container container = container(pg.getSpec().getTemplate().getSpec(), "postgres");
    assertEquals("postgres:17", container.getImage());
    assertEquals(1, pg.getSpec().getVolumeClaimTemplates().size());
    String claim = pg.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
    assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(claim)), "the PVC is mounted");
    assertNotNull(pg.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"));
    for (EnvVar e : container.getEnv()) {
      if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
        assertEquals(SECRET, e.getValueFrom().getSecretKeyRef().getName());
        assertTrue(secret.getStringData().containsKey(e.getValueFrom().getSecretKeyRef().getKey()));
      }
    }

    Service headless = dev.one(Service.class, pg.getSpec().getServiceName());
    assertEquals("postgres", headless.getMetadata().getName(), "DATABASE_URL host");
    assertEquals("None", headless.getSpec().getClusterIP());
    assertTrue(pg.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(headless.getSpec().getSelector().entrySet()));
    assertEquals(5432, headless.getSpec().getPorts().get(0).getPort());
    assertPortExists(container, headless.getSpec().getPorts().get(0).getTargetPort());

    assertEquals("tablecast:latest", dev.app().getImage());
  }

  @Test
  void prodUsesAnExternalDatabaseBiggerPodsAndAPinnedImage() {
    Rendered prod = Rendered.of("overlays/prod");
    Rendered base = Rendered.of("base");
    assertTrue(prod.all(Secret.class).isEmpty(), "production credentials are created by the operator, never applied");
    assertTrue(prod.all(StatefulSet.class).isEmpty(), "production uses an external PostgreSQL");
    String image = prod.app().getImage();
    assertTrue(image.matches("tablecast:[0-9][0-9A-Za-z._-]*"), "pinned image tag, got " + image);
    for (String kind : List.of("requests", "limits")) {
      for (String resource : List.of("cpu", "memory")) {
        Quantity p = quantity(prod.app(), kind, resource);
        Quantity b = quantity(base.app(), kind, resource);
        assertTrue(p.getNumericalAmount().compareTo(b.getNumericalAmount()) > 0, kind + "." + resource + " " + p + " > " + b);
      }
    }
  }

  // ---------------------------------------------------------------- the checks reject bad input

  @Nested
  class RejectsBrokenManifests {

    static final String DEPLOYMENT = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: broken
        spec:
          %s: 3
          selector:
            matchLabels: {app: broken}
          template:
            metadata:
              labels: {app: broken}
            spec:
              containers:
                - name: app
                  image: app:1
                  ports:
                    - name: http
                      containerPort: %s
                  env:
                    - name: A
                      value: %s
        """;

    /** Adds a line to the container, at the indentation of its image line. */
    String afterImage(String yaml, String line) {
      return yaml.replaceFirst("(?m)^( *)image: app:1$", "$1image: app:1\n$1" + line);
    }

    HasMetadata validate(String yaml) {
      return KubernetesSchema.validate(KubernetesSchema.parseDocuments(yaml, "inline").get(0), "inline");
    }

    @Test
    void theValidDeploymentPasses() {
      Deployment d = (Deployment) validate(DEPLOYMENT.formatted("replicas", "8080", "\"x\""));
      assertEquals(3, d.getSpec().getReplicas());
    }

    @Test
    void unknownTopLevelSpecField() {
      var e = assertThrows(InvalidManifestException.class, () -> validate(DEPLOYMENT.formatted("replicaz", "8080", "\"x\"")));
      assertTrue(e.getMessage().contains("spec.replicaz: unknown field"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "\"8080\"", "80.5", "true", "[8080]"})
    void containerPortOfTheWrongType(String value) {
      var e = assertThrows(InvalidManifestException.class, () -> validate(DEPLOYMENT.formatted("replicas", value, "\"x\"")));
      assertTrue(e.getMessage().contains("[\"containerPort\"]"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"4", "true", "1.5", "{a: b}"})
    void envValueThatIsNotAString(String value) {
      var e = assertThrows(InvalidManifestException.class, () -> validate(DEPLOYMENT.formatted("replicas", "8080", value)));
      assertTrue(e.getMessage().contains("EnvVar[\"value\"]"), e.getMessage());
    }

    @Test
    void unknownFieldDeepInAContainer() {
      String yaml = afterImage(DEPLOYMENT.formatted("replicas", "8080", "\"x\""), "imagePullPolicyy: Always");
      var e = assertThrows(InvalidManifestException.class, () -> validate(yaml));
      assertTrue(e.getMessage().contains("spec.template.spec.containers[0].imagePullPolicyy: unknown field"), e.getMessage());
    }

    @Test
    void unknownFieldInMetadataAndWrongLabelType() {
      assertThrows(InvalidManifestException.class, () -> validate("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labelz: {a: b}}\n"));
      assertThrows(InvalidManifestException.class, () -> validate("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {version: 1.0}}\n"));
      assertThrows(InvalidManifestException.class, () -> validate("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {SLICES: 4}\n"));
    }

    @Test
    void badQuantityAndIntOrString() {
      String badQuantity = afterImage(DEPLOYMENT.formatted("replicas", "8080", "\"x\""), "resources: {limits: {memory: lots}}");
      assertThrows(InvalidManifestException.class, () -> validate(badQuantity));
      String badSurge = DEPLOYMENT.formatted("replicas", "8080", "\"x\"")
          .replace("  replicas: 3", "  replicas: 3\n  strategy: {rollingUpdate: {maxSurge: [1]}}");
      assertThrows(InvalidManifestException.class, () -> validate(badSurge));
    }

    @Test
    void duplicateKeysUnknownKindsAndMissingNames() {
      assertThrows(InvalidManifestException.class, () -> validate("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nmetadata: {name: b}\n"));
      assertThrows(InvalidManifestException.class, () -> validate("apiVersion: v1\nkind: Deployment\nmetadata: {name: a}\n"));
      assertThrows(InvalidManifestException.class, () -> validate("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: a}\n"));
      assertThrows(InvalidManifestException.class, () -> validate("apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n"));
      assertThrows(InvalidManifestException.class, () -> validate("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {A: '%%%'}\n"));
    }

    static final String POLICY = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p}
        spec:
          podSelector: {matchLabels: {app: tablecast}}
          policyTypes: [Ingress]
          ingress:
            - ports: [{port: http}]
            - from: [{podSelector: {matchLabels: {app: tablecast}}}]
              ports: [{port: remoting}, {port: management}]
            - from: [{namespaceSelector: {matchLabels: {team: monitoring}}, podSelector: {matchLabels: {app: prometheus}}}]
              ports: [{port: metrics}]
        """;

    Container app() {
      Container c = new Container();
      c.setName("app");
      c.setPorts(List.of(new ContainerPort(8080, null, null, "http", "TCP"), new ContainerPort(25520, null, null, "remoting", "TCP"),
          new ContainerPort(8558, null, null, "management", "TCP"), new ContainerPort(9464, null, null, "metrics", "TCP")));
      return c;
    }

    void check(String policy) {
      assertIngressIsolated((NetworkPolicy) validate(policy), Map.of("app", "tablecast"), app());
    }

    @Test
    void theIsolatingPolicyPasses() {
      check(POLICY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // management open to every pod
        "    - ports: [{port: management}]\n",
        // metrics from the app's own pods, which are not the scraper
        "    - from: [{podSelector: {matchLabels: {app: tablecast}}}]\n      ports: [{port: metrics}]\n",
        // remoting from every pod of a namespace
        "    - from: [{namespaceSelector: {matchLabels: {team: x}}}]\n      ports: [{port: remoting}]\n",
        // every port from an address range
        "    - from: [{ipBlock: {cidr: 10.0.0.0/8}}]\n",
        // a port the container does not have
        "    - ports: [{port: debug}]\n"})
    void aPolicyThatOpensTooMuchFailsTheChecks(String rule) {
      assertThrows(AssertionError.class, () -> check(POLICY + rule));
    }

    @Test
    void aPolicyThatClosesTheApiOrTheMembersFailsTheChecks() {
      assertThrows(AssertionError.class, () -> check(POLICY.replace("    - ports: [{port: http}]\n", "")));
      assertThrows(AssertionError.class, () -> check(POLICY.replace("ports: [{port: remoting}, {port: management}]", "ports: [{port: remoting}]")));
      assertThrows(AssertionError.class, () -> check(POLICY.replace("policyTypes: [Ingress]", "policyTypes: [Egress]")));
    }

    @Test
    void probeOnAnUnnamedPortFailsTheClusterChecks() {
      // Akka Management's own example manifests once probed port "management" without naming it.
      Container c = new Container();
      c.setName("app");
      c.setPorts(List.of(new ContainerPort(8558, null, null, "mgmt", "TCP")));
      Probe probe = new Probe();
      probe.setHttpGet(new HTTPGetAction(null, null, "/ready", new IntOrString("management"), null));
      assertThrows(AssertionError.class, () -> assertHttpProbe(c, probe, "/ready", "management"));
    }
  }

  @Nested
  class RejectsBrokenKustomizations {

    @TempDir
    Path dir;

    void write(String file, String content) throws IOException {
      Path p = dir.resolve(file);
      Files.createDirectories(p.getParent());
      Files.writeString(p, content);
    }

    /** A base kustomization: one ConfigMap "c" in namespace "n". */
    void writeBase() throws IOException {
      write("base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {A: a}\n");
      write("base/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: n\nresources: [cm.yaml]\n");
    }

    @Test
    void aPatchIsAppliedAndTheNamespaceSet() throws IOException {
      writeBase();
      write("o/p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {B: b}\n");
      write("o/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches: [{path: p.yaml}]\n");
      List<Resource> out = Kustomize.render(dir.resolve("o"));
      assertEquals(1, out.size());
      assertEquals("n", out.get(0).namespace());
      assertEquals(Map.of("A", "a", "B", "b"), KubernetesSchema.MAPPER.convertValue(out.get(0).node().get("data"), HashMap.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "commonLabels: {a: b}",
        "configMapGenerator: [{name: x, literals: [A=b]}]",
        "patchesStrategicMerge: [p.yaml]",
        "namePrefix: x-",
        "resourcez: [../base]"})
    void unsupportedKeysFailLoudly(String line) throws IOException {
      writeBase();
      write("o/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n" + line + "\n");
      var e = assertThrows(KustomizeException.class, () -> Kustomize.render(dir.resolve("o")));
      assertTrue(e.getMessage().contains("unsupported kustomization key"), e.getMessage());
    }

    @Test
    void patchWithoutTargetMissingResourceAndDuplicates() throws IOException {
      writeBase();
      write("o/p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nope}\ndata: {B: b}\n");
      write("o/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches: [{path: p.yaml}]\n");
      assertThrows(KustomizeException.class, () -> Kustomize.render(dir.resolve("o")));

      write("o/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base, missing.yaml]\n");
      assertThrows(KustomizeException.class, () -> Kustomize.render(dir.resolve("o")));

      write("o/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\n");
      write("o/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base, cm.yaml]\n");
      assertThrows(KustomizeException.class, () -> Kustomize.render(dir.resolve("o")));

      write("o/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base/cm.yaml]\n");
      assertThrows(KustomizeException.class, () -> Kustomize.render(dir.resolve("o")), "files outside the root are refused");
    }

    @Test
    void imagesRewriteOnlyMatchingContainers() throws IOException {
      write("d/d.yaml", """
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: d}
          spec:
            selector: {matchLabels: {a: b}}
            template:
              metadata: {labels: {a: b}}
              spec:
                initContainers: [{name: i, image: "busybox:1"}]
                containers: [{name: c, image: "tablecast:latest"}, {name: s, image: "reg:5000/tablecastx"}]
          """);
      write("d/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [d.yaml]\n"
          + "images: [{name: tablecast, newName: reg:5000/tablecast, newTag: '1.2.3'}]\n");
      Deployment d = (Deployment) KubernetesSchema.validate(Kustomize.render(dir.resolve("d")).get(0).node(), "d");
      assertEquals("reg:5000/tablecast:1.2.3", d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
      assertEquals("reg:5000/tablecastx", d.getSpec().getTemplate().getSpec().getContainers().get(1).getImage());
      assertEquals("busybox:1", d.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage());

      write("d/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [d.yaml]\nimages: [{name: nothing, newTag: x}]\n");
      assertThrows(KustomizeException.class, () -> Kustomize.render(dir.resolve("d")));
    }
  }

  // ---------------------------------------------------------------- helpers

  static Container container(PodSpec pod, String name) {
    return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  static String env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name));
  }

  static void assertHttpProbe(Container c, Probe probe, String path, String portName) {
    assertNotNull(probe, "probe missing");
    assertNotNull(probe.getHttpGet(), "not an HTTP probe");
    assertEquals(path, probe.getHttpGet().getPath());
    assertEquals(new IntOrString(portName), probe.getHttpGet().getPort());
    assertPortExists(c, probe.getHttpGet().getPort());
  }

  /** A named port must be declared by the container (Kubernetes resolves names, it does not guess). */
  static void assertPortExists(Container c, IntOrString port) {
    if (port.getStrVal() != null) {
      assertTrue(c.getPorts().stream().anyMatch(p -> port.getStrVal().equals(p.getName())),
          "container " + c.getName() + " has no port named " + port.getStrVal());
    } else {
      assertTrue(c.getPorts().stream().anyMatch(p -> port.getIntVal().equals(p.getContainerPort())),
          "container " + c.getName() + " has no port " + port.getIntVal());
    }
  }

  static int portNumber(Container c, String name) {
    return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst()
        .orElseThrow(() -> new AssertionError("container " + c.getName() + " has no port named " + name));
  }

  /** matchLabels only (what these manifests use); a selector with expressions is not understood here. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    assertTrue(selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty(), "matchExpressions");
    Map<String, String> match = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    return labels.entrySet().containsAll(match.entrySet());
  }

  /** A peer that admits every source (an ingress rule without from). */
  static final NetworkPolicyPeer ANYONE = new NetworkPolicyPeer();

  /**
   * Who may connect to each port of the container, by the policy's ingress rules (a rule without
   * ports covers every port; one without from admits anyone): the API port from anyone; remoting
   * and management from the app's own pods in the namespace only; metrics only from pods that a
   * namespace selector and a pod selector name, and that are not the app's.
   */
  static void assertIngressIsolated(NetworkPolicy policy, Map<String, String> podLabels, Container app) {
    assertTrue(selects(policy.getSpec().getPodSelector(), podLabels), "the policy selects the app's pods");
    assertFalse(policy.getSpec().getPodSelector().getMatchLabels().isEmpty(), "the policy selects the app's pods only");
    assertTrue(policy.getSpec().getPolicyTypes().contains("Ingress"), "the policy isolates ingress");
    Map<Integer, List<NetworkPolicyPeer>> admitted = new HashMap<>();
    for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
      List<NetworkPolicyPeer> peers = rule.getFrom() == null || rule.getFrom().isEmpty() ? List.of(ANYONE) : rule.getFrom();
      List<Integer> ports = rule.getPorts() == null || rule.getPorts().isEmpty()
          ? app.getPorts().stream().map(ContainerPort::getContainerPort).toList()
          : rule.getPorts().stream().map(p -> resolve(app, p)).toList();
      ports.forEach(port -> admitted.computeIfAbsent(port, x -> new ArrayList<>()).addAll(peers));
    }
    assertTrue(admitted.getOrDefault(portNumber(app, "http"), List.of()).contains(ANYONE), "the API is open to all");
    for (String members : List.of("remoting", "management")) {
      List<NetworkPolicyPeer> peers = admitted.getOrDefault(portNumber(app, members), List.of());
      assertFalse(peers.isEmpty(), "the members reach each other's " + members + " port");
      for (NetworkPolicyPeer peer : peers) {
        assertTrue(peer != ANYONE && peer.getIpBlock() == null && peer.getNamespaceSelector() == null
            && peer.getPodSelector() != null && !peer.getPodSelector().getMatchLabels().isEmpty()
            && selects(peer.getPodSelector(), podLabels) && peer.getPodSelector().getMatchLabels().keySet().contains("app"),
            members + " is open to " + peer + ", not to the app's pods only");
      }
    }
    List<NetworkPolicyPeer> scrapers = admitted.getOrDefault(portNumber(app, "metrics"), List.of());
    assertFalse(scrapers.isEmpty(), "the scraper reaches the metrics port");
    for (NetworkPolicyPeer peer : scrapers) {
      assertTrue(peer != ANYONE && peer.getIpBlock() == null
          && peer.getNamespaceSelector() != null && !peer.getNamespaceSelector().getMatchLabels().isEmpty()
          && peer.getPodSelector() != null && !peer.getPodSelector().getMatchLabels().isEmpty()
          && !selects(peer.getPodSelector(), podLabels),
          "metrics is open to " + peer + ", not to the scraper's pods only");
    }
  }

  /** A policy's port by number or by the container port's name (which the container must declare). */
  static int resolve(Container app, NetworkPolicyPort port) {
    assertTrue(port.getProtocol() == null || port.getProtocol().equals("TCP"), "TCP");
    IntOrString p = port.getPort();
    assertNotNull(p, "a rule's port without a number covers every port");
    assertPortExists(app, p);
    return p.getStrVal() != null ? portNumber(app, p.getStrVal()) : p.getIntVal();
  }

  static Quantity quantity(Container c, String kind, String resource) {
    Map<String, Quantity> map = kind.equals("requests") ? c.getResources().getRequests() : c.getResources().getLimits();
    Quantity q = map == null ? null : map.get(resource);
    if (q == null) {
      fail("container " + c.getName() + " has no " + kind + "." + resource);
    }
    return q;
  }

  /** Memory and CPU requested, memory limited (the JVM sizes its heap from the limit), requests <= limits. */
  static void assertResourcesSane(Container c) {
    Quantity requestMemory = quantity(c, "requests", "memory");
    Quantity limitMemory = quantity(c, "limits", "memory");
    quantity(c, "requests", "cpu");
    assertTrue(requestMemory.getNumericalAmount().compareTo(limitMemory.getNumericalAmount()) <= 0, c.getName() + " memory");
    Map<String, Quantity> limits = c.getResources().getLimits();
    if (limits.containsKey("cpu")) {
      assertTrue(quantity(c, "requests", "cpu").getNumericalAmount().compareTo(limits.get("cpu").getNumericalAmount()) <= 0, c.getName() + " cpu");
    }
  }

  static boolean grants(PolicyRule rule, String resource, Set<String> verbs) {
    return rule.getApiGroups().contains("") && rule.getResources().contains(resource) && rule.getVerbs().containsAll(verbs);
  }
}
