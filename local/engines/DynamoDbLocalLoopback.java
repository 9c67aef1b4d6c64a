// Launches DynamoDB Local bound to one address (127.0.0.1 by default) instead of every interface.
//
// DynamoDB Local 3.x has no bind-address option: ServerRunner builds a DynamoDBProxyServer, whose
// constructor calls Jetty's `new Server(port)`, and that creates a ServerConnector with no host,
// i.e. 0.0.0.0 / [::]. This launcher does what ServerRunner.main does, minus telemetry (never
// configured here, so no event can be emitted), and sets the connector's host before start().
//
// Run with Java 11+ single-file source launch (no javac step), DynamoDBLocal.jar on the classpath:
//   java -Djava.library.path=<dir>/DynamoDBLocal_lib -Dddblocal.host=127.0.0.1 \
//        -cp <dir>/DynamoDBLocal.jar DynamoDbLocalLoopback.java -inMemory -disableTelemetry -port 8000
// With -Dddblocal.exitOnStdinEof=true the JVM exits when its stdin reaches EOF, so it cannot
// outlive a parent that holds the other end of the pipe, however that parent died.
import java.io.IOException;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class DynamoDbLocalLoopback {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("ddblocal.host", "127.0.0.1");
    if (Boolean.getBoolean("ddblocal.exitOnStdinEof")) {
      Thread watchdog = new Thread(DynamoDbLocalLoopback::exitOnStdinEof, "stdin-eof-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
    }
    CommandLineInput input = new CommandLineInput(args);
    if (!input.init()) {
      System.exit(2);
    }
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof AbstractNetworkConnector network) {
        network.setHost(host);
        bound++;
      }
    }
    if (bound == 0) {
      System.err.println("DynamoDbLocalLoopback: no network connector found; refusing to listen on all interfaces");
      System.exit(3);
    }
    proxy.start();
    if (!server.isStarted()) {
      System.err.println("DynamoDbLocalLoopback: server did not start");
      System.exit(4);
    }
    System.out.println("DynamoDbLocalLoopback: listening on " + host + ":" + input.getPort());
    server.join();
  }

  private static void exitOnStdinEof() {
    try {
      byte[] buffer = new byte[256];
      while (System.in.read(buffer) >= 0) {
        // discard
      }
    } catch (IOException ignored) {
      // a broken pipe means the parent is gone as well
    }
    Runtime.getRuntime().halt(0);
  }
}
