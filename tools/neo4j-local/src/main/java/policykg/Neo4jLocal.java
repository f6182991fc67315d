package policykg;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseSettings;
import java.time.Duration;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * A local Neo4j 5 community server for policykg, for machines without Docker or a Neo4j install.
 *
 * <p>It reuses Neo4j's in-process test harness, because that artifact is on Maven Central and
 * brings the whole server (Bolt, Cypher, system database) with it. Started and stopped by
 * graph/neo4j_local.py, which reads the single READY line this prints on stdout.
 *
 * <p>Usage: {@code java -jar neo4j-local.jar --data DIR [--port 7687] [--password P]
 * [--pagecache 64m]}. The password may instead come from the environment variable
 * NEO4J_LOCAL_PASSWORD, which keeps it out of the process list.
 */
public final class Neo4jLocal {
    /** Names the harness gives its scratch folders: 32 hex digits (an md5). */
    private static final String SCRATCH_NAME = "[0-9a-f]{32}";

    private Neo4jLocal() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            // Exit for real: Bolt's non-daemon threads would otherwise keep a half-started JVM alive.
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int port = 7687;
        Path data = null;
        String password = System.getenv("NEO4J_LOCAL_PASSWORD");
        long pagecache = ByteUnit.mebiBytes(64);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + flag);
            }
            String value = args[++i];
            try {
                switch (flag) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--data" -> data = Path.of(value).toAbsolutePath().normalize();
                    case "--password" -> password = value;
                    case "--pagecache" -> pagecache = ByteUnit.parse(value);
                    default -> usage("unknown option " + flag);
                }
            } catch (IllegalArgumentException e) {
                usage("bad value for " + flag + ": " + value);
            }
        }
        if (data == null) {
            usage("--data DIR is required");
        }
        if (password != null && password.isEmpty()) {
            password = null;
        }
        // Neo4j's logging may write to stdout; keep stdout for the READY line alone.
        PrintStream out = System.out;
        System.setOut(System.err);

        Files.createDirectories(data);
        // The harness always works in a fresh random folder under its working directory and
        // deletes it on close. Pointing neo4j_home at the data directory instead keeps the
        // databases across restarts; only the harness's own user log stays in the scratch folder.
        Path scratch = data.resolve("harness");
        removeStaleScratch(scratch);

        // Registered before the build, so that a SIGTERM during a slow start still closes the stores.
        AtomicReference<Neo4j> server = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Neo4j running = server.getAndSet(null);
                if (running != null) {
                    running.close();
                }
            } catch (RuntimeException e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-local-shutdown"));

        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(scratch)
                .withDisabledServer() // no HTTP/HTTPS: policykg speaks Bolt only
                .withConfig(GraphDatabaseSettings.neo4j_home, data)
                .withConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .withConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"))
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Bolt waits 5 s twice on shutdown by default; a local server should stop promptly.
                .withConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .withConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .withConfig(GraphDatabaseSettings.auth_enabled, password != null)
                // A local dev server: allow short passwords such as "test".
                .withConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                .withConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                // The machine has no outside network; don't try to phone home.
                .withConfig(GraphDatabaseSettings.udc_enabled, false)
                // Default is a preallocated 256 MiB transaction log per database (neo4j + system);
                // that is disk a throwaway test server doesn't need.
                .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .withConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(32))
                .withConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .build();
        server.set(neo4j);

        if (password != null) {
            setPassword(neo4j, password);
        }

        URI bolt = neo4j.boltURI();
        out.println("READY bolt://127.0.0.1:" + bolt.getPort());
        out.flush();
        stopped.await();
    }

    /**
     * Sets the neo4j user's password on every start, so a data directory made with one password
     * (or none) follows the one given now. Embedded transactions bypass auth, so this works
     * before any client has logged in.
     */
    private static void setPassword(Neo4j neo4j, String password) {
        var system = neo4j.databaseManagementService().database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            // Restarting with the password the user already has is not an error here.
            if (!message.contains("cannot be the same")) {
                throw e;
            }
        }
    }

    /** Scratch folders are left behind only when the JVM was killed; they hold a log and nothing else. */
    private static void removeStaleScratch(Path scratch) throws IOException {
        if (!Files.isDirectory(scratch)) {
            return;
        }
        try (Stream<Path> children = Files.list(scratch)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                if (child.getFileName().toString().matches(SCRATCH_NAME)) {
                    try (Stream<Path> tree = Files.walk(child)) {
                        tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
    }

    private static void usage(String problem) {
        System.err.println("neo4j-local: " + problem);
        System.err.println("usage: java -jar neo4j-local.jar --data DIR [--port 7687] [--password P] [--pagecache 64m]");
        System.exit(2);
    }
}
