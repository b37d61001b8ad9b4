package io.tablecast.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The image that `mvn -Pimage package` builds (Jib, in pom.xml) and the Deployment that runs it
 * (k8s/base/deployment.yaml) agree: command, user, ports, name. Only the profile uses Jib.
 */
class ContainerImageTest {
  private static final String JIB = "/project/profiles/profile[id='image']/build/plugins/plugin[artifactId='jib-maven-plugin']";

  private static Document pom;
  private static XPath xpath;
  private static JsonNode container;
  private static JsonNode pod;

  @BeforeAll
  static void read() throws Exception {
    Path base = Path.of(System.getProperty("basedir", "."));
    pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(base.resolve("pom.xml").toFile());
    xpath = XPathFactory.newInstance().newXPath();
    JsonNode deployment = new ObjectMapper(new YAMLFactory()).readTree(base.resolve("k8s/base/deployment.yaml").toFile());
    pod = deployment.at("/spec/template/spec");
    container = pod.at("/containers/0");
  }

  private static String text(String path) throws Exception {
    return xpath.evaluate(path, pom).strip();
  }

  private static List<String> texts(String path) throws Exception {
    NodeList nodes = (NodeList) xpath.evaluate(path, pom, XPathConstants.NODESET);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      values.add(nodes.item(i).getTextContent().strip());
    }
    return values;
  }

  @Test
  void theImageRunsTheMainClassOfTheJarWithTheDeploymentsArguments() throws Exception {
    String jarMain = text("//plugin[artifactId='maven-shade-plugin']//transformer/mainClass");
    assertEquals(jarMain, text(JIB + "/configuration/container/mainClass"));
    List<String> deploymentArgs = new ArrayList<>();
    container.get("args").forEach(a -> deploymentArgs.add(a.asText()));
    assertEquals(List.of("serve"), deploymentArgs);
    assertEquals(deploymentArgs, texts(JIB + "/configuration/container/args/arg"));
  }

  @Test
  void theImagesJvmExitsOnOutOfMemoryAsThePodsDoes() throws Exception {
    assertTrue(texts(JIB + "/configuration/container/jvmFlags/jvmFlag").contains("-XX:+ExitOnOutOfMemoryError"));
  }

  @Test
  void theImageUserIsTheNonRootUserThePodRunsAs() throws Exception {
    JsonNode security = pod.get("securityContext");
    assertEquals(security.get("runAsUser").asText() + ":" + security.get("runAsGroup").asText(),
        text(JIB + "/configuration/container/user"));
  }

  @Test
  void theImageExposesTheDeploymentsContainerPorts() throws Exception {
    Set<String> ports = new TreeSet<>();
    container.get("ports").forEach(p -> ports.add(p.get("containerPort").asText()));
    assertEquals(ports, new TreeSet<>(texts(JIB + "/configuration/container/ports/port")));
  }

  @Test
  void theImageIsTheOneTheDeploymentNames() throws Exception {
    String repository = container.get("image").asText().replaceAll(":.*", "");
    assertEquals(repository, text("/project/properties/image.name").replaceAll(":.*", ""));
    assertTrue(texts(JIB + "/configuration/to/tags/tag").contains(container.get("image").asText().replaceAll(".*:", "")));
  }

  @Test
  void onlyTheImageProfileUsesJibSoTheDefaultBuildNeedsNoRegistry() throws Exception {
    assertEquals(List.of(), texts("/project/build/plugins/plugin[artifactId='jib-maven-plugin']/artifactId"));
    assertEquals("buildTar", text(JIB + "/executions/execution/goals/goal"));
  }
}
