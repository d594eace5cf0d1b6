package org.pressarchive.searchnode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts one OpenSearch node for the test suite and the benchmark: plain HTTP on 127.0.0.1 only,
 * single-node discovery, its files under one folder. It stops when its standard input closes or on
 * SIGTERM, so a test run that dies cannot leave a JVM behind.
 *
 * <p>Usage: {@code java -cp 'searchnode.jar:lib/*' org.pressarchive.searchnode.SearchNode HOME HTTP_PORT}
 */
public final class SearchNode {

    /** The line printed on standard output once the node serves HTTP. */
    static final String READY = "searchnode: ready on http://127.0.0.1:";

    private static final List<Class<? extends Plugin>> MODULES = List.of(CommonAnalysisPlugin.class, Netty4Plugin.class);

    private SearchNode() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SearchNode HOME HTTP_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Settings settings = settings(home, port);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), home.resolve("config"), () -> "searchnode");
        Node node = new PluginNode(environment, MODULES);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(node), "searchnode-shutdown"));
        try {
            node.start();
            withoutReplicas(node);
        } catch (Exception e) {
            // exit even when threads of a half-started node are still alive
            System.err.println("searchnode: the node did not start: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println(READY + port);
        System.out.flush();
        waitForEndOfInput(System.in);
        System.exit(0);
    }

    /** Node settings: loopback only, one node, no disk watermarks (test disks run full). */
    static Settings settings(Path home, int port) throws IOException {
        Files.createDirectories(home.resolve("config"));
        return Settings.builder()
            .put("cluster.name", "pressarchive-test")
            .put("node.name", "searchnode")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            .put("transport.port", 0)
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
    }

    /**
     * New indices get no replica unless they ask for one, so one node is green. The default is read
     * from the cluster's own settings, not the node's, hence an update once the cluster has recovered.
     */
    private static void withoutReplicas(Node node) {
        node.client().admin().cluster().prepareHealth().setWaitForYellowStatus().setTimeout(TimeValue.timeValueMinutes(2)).get();
        node.client().admin().cluster().prepareUpdateSettings()
            .setPersistentSettings(Settings.builder().put("cluster.default_number_of_replicas", 0))
            .get();
    }

    /** Blocks until the parent closes our standard input (or dies, which closes it too). */
    private static void waitForEndOfInput(InputStream input) {
        byte[] buffer = new byte[256];
        try {
            while (input.read(buffer) >= 0) {
                // anything written to us is ignored; only the end of input matters
            }
        } catch (IOException e) {
            // a broken pipe is an end of input as well
        }
    }

    private static void close(Node node) {
        try {
            node.close();
            node.awaitClose(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            System.err.println("searchnode: error while closing: " + e);
        }
    }
}
