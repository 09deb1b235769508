package io.newsingest.opensearch;

import java.util.LinkedHashMap;
import java.util.Map;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts one real OpenSearch node (official server and module jars) bound to loopback.
 *
 * <p>Usage: {@code NewsingestNode BASE_PATH HTTP_PORT TRANSPORT_PORT [-Ekey=value ...]}. Data, logs and
 * config live under BASE_PATH/node_1, so a second start reuses the data. Prints
 * {@code NEWSINGEST_NODE_READY} once the cluster is at least yellow and runs until it gets SIGTERM.
 */
public final class NewsingestNode {

    private NewsingestNode() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: NewsingestNode BASE_PATH HTTP_PORT TRANSPORT_PORT [-Ekey=value ...]");
            System.exit(2);
        }
        final String basePath = args[0];
        final String httpPort = args[1];
        final String transportPort = args[2];
        final Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            final String arg = args[i];
            final int eq = arg.indexOf('=');
            if (!arg.startsWith("-E") || eq < 0) {
                System.err.println("bad setting (want -Ekey=value): " + arg);
                System.exit(2);
            }
            extra.put(arg.substring(2, eq), arg.substring(eq + 1));
        }

        final OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((index, settings) -> {
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.put("network.host", "127.0.0.1");
            settings.put("discovery.type", "single-node");
            settings.putList("node.roles", "cluster_manager", "data", "ingest");
            extra.forEach(settings::put);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final Exception e) {
                System.err.println("error while closing the node: " + e);
            }
        }));
        runner.build("-basePath", basePath, "-numOfNode", "1", "-clusterName", "newsingest");
        runner.ensureYellow();
        System.out.println("NEWSINGEST_NODE_READY http://127.0.0.1:" + httpPort);
        System.out.flush();
        while (!runner.isClosed()) {
            Thread.sleep(1000);
        }
    }
}
