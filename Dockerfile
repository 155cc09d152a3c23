# Model server, release v1.0 (the good model). Build: docker build -t model-server:v1 .
# Dockerfile.v2 is this file with MODEL_VERSION=v2.0; keep the two in step (DockerfileTest checks).

# --- build stage: the whole reactor's poms so Maven resolves it; only model-server and the shared
# service-runtime it depends on are built.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY test-support/pom.xml test-support/
COPY service-runtime/pom.xml service-runtime/
COPY transactions/pom.xml transactions/
COPY model-server/pom.xml model-server/
COPY rollback-controller/pom.xml rollback-controller/
COPY recommender/pom.xml recommender/
COPY lab-tests/pom.xml lab-tests/
COPY traffic-generator/pom.xml traffic-generator/
COPY service-runtime/src service-runtime/src
COPY transactions/src transactions/src
COPY model-server/src model-server/src
RUN mvn -B -q -ntp -pl model-server -am package -Dmaven.test.skip=true -Djacoco.skip=true -Dspotless.check.skip=true

# --- runtime stage: a JRE on Ubuntu, so `kubectl exec ... -- /bin/sh` works.
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 model && useradd --system --uid 10001 --gid 10001 --no-create-home model
WORKDIR /app
COPY --from=build /src/model-server/target/lib/ /app/lib/
COPY --from=build /src/model-server/target/model-server.jar /app/model-server.jar
ENV MODEL_VERSION=v1.0 \
    PORT=8080
# Class-data sharing: a training run loads every serving class, the JVM archives them at exit, and
# each start maps the archive instead of parsing and verifying classes again. Under a 200m CPU limit
# that is most of the start-up time. The JVM flags must match those of ENTRYPOINT.
RUN java -XX:ArchiveClassesAtExit=/app/model-server.jsa -Xlog:cds=error \
      -XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=6 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -XX:CompileThresholdScaling=4 -Xss512k -Dvertx.disableDnsResolver=true -Dio.netty.allocator.maxOrder=7 \
      -jar /app/model-server.jar --train-cds \
    && chmod 0444 /app/model-server.jsa
USER 10001:10001
EXPOSE 8080
# Exec form: the JVM is PID 1 and receives SIGTERM itself (graceful drain, exit 0).
# Sized for a 256Mi / 200m container: heap from 6% (15 MiB; the live data is a few MiB, and a young
# collection of a young generation that small takes well under a millisecond) to 60% of the limit,
# serial GC (one CPU), C1 only (no costly C2 compilation on a fifth of a core), small thread stacks.
# CompileThresholdScaling=4: a method is compiled after four times the usual calls, so the run-once start-up
# code stays interpreted (compilation was a third of the CPU spent before ready); hot serving code still
# compiles within its first seconds of traffic. vertx.disableDnsResolver: the server resolves no names, so
# Netty's DNS resolver (and its reading of resolv.conf and hosts at start) is not built.
# io.netty.allocator.maxOrder=7: Netty's buffer pool grows in 1 MiB chunks rather than 4 MiB (no
# answer comes near 1 MiB). docs/model-server.md (Memory) measures each of these.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/model-server.jsa", "-Xlog:cds=error", "-XX:MaxRAMPercentage=60", "-XX:InitialRAMPercentage=6", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=4", "-Xss512k", "-Dvertx.disableDnsResolver=true", "-Dio.netty.allocator.maxOrder=7", "-jar", "/app/model-server.jar"]
