package dev.selfheal.recommender.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmbeddingsTest {

  @Test
  void vectorsRoundTripAsLittleEndianFloat32() {
    float[] vector = {1.5f, -2.25f, 0f, 3.0e-5f};
    byte[] bytes = RedisKeys.encode(vector);
    assertThat(bytes).hasSize(16);
    assertThat(bytes[0]).isEqualTo((byte) 0x00); // 1.5f = 0x3FC00000, little-endian
    assertThat(bytes[3]).isEqualTo((byte) 0x3F);
    float[] decoded = new float[6];
    RedisKeys.decodeInto(bytes, 4, decoded, 2);
    assertThat(decoded).containsExactly(0f, 0f, 1.5f, -2.25f, 0f, 3.0e-5f);
  }

  @Test
  void rejectsAVectorOfTheWrongLength() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisKeys.decodeInto(new byte[12], 4, new float[4], 0))
        .withMessage("vector has 12 bytes, expected 16");
  }

  @Test
  void keysFollowTheLayout() {
    RedisKeys keys = new RedisKeys("emb");
    assertThat(new String(keys.item(17), StandardCharsets.UTF_8)).isEqualTo("emb:item:17");
    assertThat(keys.idOf(keys.item(17))).isEqualTo(17);
    assertThat(keys.meta()).isEqualTo("emb:meta");
    assertThat(keys.popular()).isEqualTo("emb:popular");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> keys.idOf("other:item:1".getBytes(StandardCharsets.UTF_8)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> keys.idOf("emb:item:x".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void generatorIsDeterministicBySeed() {
    EmbeddingGenerator a = new EmbeddingGenerator(8, 42);
    EmbeddingGenerator b = new EmbeddingGenerator(8, 42);
    EmbeddingGenerator c = new EmbeddingGenerator(8, 43);
    assertThat(a.vector(5)).containsExactly(b.vector(5));
    assertThat(a.vector(5)).isNotEqualTo(c.vector(5));
    assertThat(a.popularity(100)).containsExactly(b.popularity(100));
    assertThat(a.popularity(100)).contains(1.0);
  }

  @Test
  void setNormalisesRowsAndRejectsInconsistentInput() {
    EmbeddingSet set =
        new EmbeddingSet(
            2, new int[] {4, 9}, new float[] {3, 4, 0, 0}, new int[] {9}, new double[] {1});
    assertThat(set.dot(0, new float[] {3, 4})).isEqualTo(5f);
    assertThat(set.rowOf(9)).hasValue(1);
    assertThat(set.rowOf(5)).isEmpty();
    assertThat(set.popularIds()).containsExactly(9);
    assertThat(set.toString()).contains("size=2");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> new EmbeddingSet(2, new int[] {1}, new float[3], new int[0], new double[0]))
        .withMessage("expected 2 vector values, got 3");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> new EmbeddingSet(1, new int[] {1, 1}, new float[2], new int[0], new double[0]))
        .withMessage("duplicate item id 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new EmbeddingSet(0, new int[0], new float[0], new int[0], new double[0]));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new EmbeddingSet(1, new int[0], new float[0], new int[1], new double[0]));
    assertThatIllegalArgumentException().isThrownBy(() -> new EmbeddingGenerator(1, 0));
  }
}
