package dev.selfheal.rollback.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenTest {

  private final BearerToken token = new BearerToken("lab-rollback-token-change-me");

  @Test
  void acceptsTheExactTokenWithAnyCaseScheme() {
    assertThat(token.accepts("Bearer lab-rollback-token-change-me")).isTrue();
    assertThat(token.accepts("bearer lab-rollback-token-change-me")).isTrue();
  }

  @Test
  void rejectsEverythingElse() {
    assertThat(token.accepts(null)).isFalse();
    assertThat(token.accepts("")).isFalse();
    assertThat(token.accepts("Bearer")).isFalse();
    assertThat(token.accepts("Bearer ")).isFalse();
    assertThat(token.accepts("Basic bGFiOnRva2Vu")).isFalse();
    assertThat(token.accepts("Bearer lab-rollback-token-change-m")).isFalse();
    assertThat(token.accepts("Bearer lab-rollback-token-change-me2")).isFalse();
    assertThat(token.accepts("lab-rollback-token-change-me")).isFalse();
  }
}
