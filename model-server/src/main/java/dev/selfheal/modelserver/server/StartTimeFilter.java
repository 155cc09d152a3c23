package dev.selfheal.modelserver.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** Stamps each exchange with its arrival time so the duration histogram covers queueing too. */
final class StartTimeFilter extends Filter {

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    exchange.setAttribute(Responder.START_ATTRIBUTE, System.nanoTime());
    chain.doFilter(exchange);
  }

  @Override
  public String description() {
    return "stamps the arrival time";
  }
}
