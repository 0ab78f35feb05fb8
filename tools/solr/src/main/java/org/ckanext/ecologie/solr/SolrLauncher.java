package org.ckanext.ecologie.solr;

import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.solr.core.CoreContainer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs a standalone Solr node (no ZooKeeper) at http://127.0.0.1:PORT/solr, serving the cores
 * found under SOLR_HOME, in the foreground until SIGTERM/SIGINT.
 *
 * <p>Exit codes: 1 Solr failed to start, 2 bad arguments or Solr home, 3 port in use, 4 a core
 * failed to load (or there is none). Each failure ends with one line "solr: ..." on stderr.
 */
public final class SolrLauncher {

  // Jersey (Solr's v2 API) warns through java.util.logging about an optional provider on every
  // start; keep only its errors. The field holds the logger so that the level sticks.
  private static final Logger JERSEY_LOG = Logger.getLogger("org.glassfish.jersey");

  static {
    JERSEY_LOG.setLevel(Level.SEVERE);
  }

  public static void main(String[] args) {
    if (args.length != 2) {
      fail(2, "usage: SolrLauncher SOLR_HOME PORT");
    }
    Path home = Path.of(args[0]).toAbsolutePath().normalize();
    int port = parsePort(args[1]);
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      fail(2, "no solr.xml in " + home + ": create the Solr home first (tools/solr/solr.sh home)");
    }

    long started = System.nanoTime();
    JettyConfig config =
        JettyConfig.builder()
            .setContext("/solr")
            .setPort(port)
            .withPortRetryTime(0) // fail at once if the port is taken
            .stopAtShutdown(false) // our own shutdown hook stops Solr
            .build();
    // JettySolrRunner always binds its connector to 127.0.0.1.
    JettySolrRunner solr = new JettySolrRunner(home.toString(), new Properties(), config);

    try {
      solr.start();
    } catch (Exception e) { // Jetty has stopped itself; exiting frees the rest
      if (hasCause(e, BindException.class)) {
        fail(3, "port " + port + " on 127.0.0.1 is already in use: stop whatever listens there"
            + " (ss -ltnp 'sport = :" + port + "') or use another port");
      }
      fail(1, "Solr failed to start: " + describe(e));
    }

    CoreContainer cores = solr.getCoreContainer();
    if (cores == null) {
      stopQuietly(solr);
      fail(1, "Solr failed to start: no core container (see the log above)");
    }
    Map<String, CoreContainer.CoreLoadFailure> failures = cores.getCoreInitFailures();
    if (!failures.isEmpty()) {
      StringBuilder msg = new StringBuilder();
      failures.forEach(
          (name, failure) ->
              msg.append(msg.length() == 0 ? "" : "; ")
                  .append("core '").append(name).append("' failed to load: ")
                  .append(describe(failure.exception)));
      stopQuietly(solr);
      fail(4, msg.toString());
    }
    if (cores.getAllCoreNames().isEmpty()) {
      stopQuietly(solr);
      fail(4, "no core under " + home + ": create it first (tools/solr/solr.sh home)");
    }

    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(solr), "solr-stop"));
    System.out.printf(
        "solr: ready at http://127.0.0.1:%d/solr, cores %s, in %.1f s%n",
        port, cores.getAllCoreNames(), (System.nanoTime() - started) / 1e9);
    System.out.flush();

    try {
      new CountDownLatch(1).await(); // until the JVM is told to stop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int parsePort(String arg) {
    try {
      int port = Integer.parseInt(arg);
      if (port > 0 && port < 65536) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    fail(2, "bad port '" + arg + "': give a number from 1 to 65535");
    return -1; // not reached
  }

  private static void stopQuietly(JettySolrRunner solr) {
    try {
      solr.stop();
    } catch (Exception e) {
      System.err.println("solr: error while stopping: " + describe(e));
    }
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The messages of an exception and its causes, each new one once, on one line. */
  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (text.indexOf(msg) < 0) {
        text.append(text.length() == 0 ? "" : ": ").append(msg);
      }
    }
    return text.toString().replaceAll("\\s+", " ").trim();
  }

  private static void fail(int status, String message) {
    System.out.flush();
    System.err.println("solr: " + message);
    System.exit(status);
  }
}
