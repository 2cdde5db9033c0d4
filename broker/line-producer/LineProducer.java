import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The reference Kafka producer, Apache Kafka's own Java client, for NDJSON
 * position lines on stdin (e.g. from `fleetlake generate --sink stdout`) to a
 * topic, keyed by vehicle id like the generator's own Kafka sink (acks from all
 * in-sync replicas, the default murmur2 partitioner), compressed with any codec
 * (env COMPRESSION). Used where a producer independent of fleetlake's own
 * matters: the codec tests, and bench:ingest's paced load (kafkajs spends
 * 15-25 µs of CPU per record, this client about a tenth of that).
 *
 * broker/line-producer.ts compiles and starts it:
 * java -cp 'KAFKA_LIBS/*' LineProducer BOOTSTRAP TOPIC
 */
public class LineProducer {
  private static final String KEY_START = "{\"vehicle_id\":\"";

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LineProducer BOOTSTRAP TOPIC");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, System.getenv().getOrDefault("COMPRESSION", "gzip"));
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    AtomicReference<Exception> failure = new AtomicReference<>();
    long sent = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 20)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (failure.get() != null) throw failure.get();
        if (line.isEmpty()) continue;
        // Lines are the generator's compact form, so the id sits right after the opening key.
        int end = line.startsWith(KEY_START) ? line.indexOf('"', KEY_START.length()) : -1;
        String key = end > 0 ? line.substring(KEY_START.length(), end) : null;
        producer.send(new ProducerRecord<>(args[1], key, line), (metadata, error) -> {
          if (error != null) failure.compareAndSet(null, error);
        });
        sent++;
      }
      producer.flush();
    }
    if (failure.get() != null) throw failure.get();
    System.err.println("sent " + sent);
  }
}
