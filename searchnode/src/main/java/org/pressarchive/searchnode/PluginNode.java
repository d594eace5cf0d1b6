package org.pressarchive.searchnode;

import java.util.Collection;

import org.opensearch.env.Environment;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * A node whose modules come from the classpath. The OpenSearch distribution finds its modules in
 * a modules/ folder of unpacked plugins; Maven Central ships them as plain jars, so the node is
 * handed their plugin classes instead, through the constructor OpenSearch's own test nodes use.
 */
final class PluginNode extends Node {

    PluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(environment, plugins, true);
    }
}
