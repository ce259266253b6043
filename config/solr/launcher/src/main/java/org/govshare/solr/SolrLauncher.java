package org.govshare.solr;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Serves a Solr home on 127.0.0.1 with Solr's embedded Jetty runner.
 *
 * <p>Usage: {@code SolrLauncher SOLR_HOME PORT PID_FILE}. The process writes its pid once every
 * core has loaded, so a waiting script can treat the pid file as "ready", and removes it on exit.
 */
public final class SolrLauncher {

  private SolrLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: SolrLauncher SOLR_HOME PORT PID_FILE");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    Path pidFile = Path.of(args[2]).toAbsolutePath();

    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      fail("no solr.xml in " + home);
    }
    // Jetty's own bind error is a long stack trace: say it plainly instead.
    if (!portIsFree(port)) {
      fail("port " + port + " on 127.0.0.1 is already in use by another process");
    }

    JettyConfig config =
        JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(true).build();
    JettySolrRunner solr = new JettySolrRunner(home.toString(), config);
    solr.start();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    solr.stop();
                  } catch (Exception e) {
                    System.err.println("error while stopping Solr: " + e);
                  } finally {
                    deleteQuietly(pidFile);
                    stopped.countDown();
                  }
                }));

    Files.writeString(
        pidFile, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
    System.out.println("Solr " + org.apache.solr.client.api.util.SolrVersion.LATEST
        + " serving " + home + " at " + solr.getBaseUrl());
    stopped.await();
  }

  private static boolean portIsFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // the pid file is advisory; a stale one is detected by the caller
    }
  }

  private static void fail(String message) {
    System.err.println("govshare-solr: " + message);
    System.exit(1);
  }
}
