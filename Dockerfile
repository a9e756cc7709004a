# sdbot container images, one Dockerfile, three stages:
#   docker build -t sdbot .                               bot + scheduler node (default target "bot")
#   docker build -t sdbot-worker --target worker .        GPU worker: CUDA runtime + Temurin 17 JRE
# docker-compose.yml builds both. Stopping: SIGTERM goes straight to the JVM (PID 1, through the launcher's exec);
# it stops within SDBOT_SHUTDOWN_GRACE_SECONDS + a few seconds (README "Graceful stop").

# ---- build: the launcher's jar and its lib/ folder ---------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# dependency-cache layer: packaging the poms alone (no sources) fetches every dependency and plugin the real build
# uses, so a change to the sources does not download them again
# The bot and the modules it needs (-pl bot -am): the test kit (a test-scope dependency of the bot, built but never
# copied into lib/) comes along; the loadtest module (the soak) only needs its pom to be there for the reactor.
COPY pom.xml ./
COPY inference/pom.xml inference/
COPY db/pom.xml db/
COPY scheduler/pom.xml scheduler/
COPY testkit/pom.xml testkit/
COPY bot/pom.xml bot/
COPY loadtest/pom.xml loadtest/
RUN mvn -B -q -DskipTests -pl bot -am package && rm -rf inference/target db/target scheduler/target testkit/target bot/target
COPY migrations migrations
COPY inference/src inference/src
COPY db/src db/src
COPY scheduler/src scheduler/src
COPY testkit/src testkit/src
COPY bot/src bot/src
RUN mvn -B -q -DskipTests -pl bot -am package

# ---- worker: CUDA-capable (the runtime and driver libraries DJL looks for; the GPU comes from the NVIDIA Container
# Toolkit). DJL fetches the CUDA libtorch (PYTORCH_FLAVOR) at first start into DJL_CACHE_DIR, a volume (README "GPU workers")
FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04 AS worker
ENV JAVA_HOME=/opt/java/openjdk
COPY --from=eclipse-temurin:17-jre /opt/java/openjdk $JAVA_HOME
ENV PATH="${JAVA_HOME}/bin:${PATH}" \
    LANG=C.UTF-8 \
    SDBOT_DATA_DIR=/var/lib/sdbot \
    SDBOT_MODELS=/models \
    SDBOT_WORKER_DEVICES=cuda:0 \
    PYTORCH_FLAVOR=cu128 \
    DJL_CACHE_DIR=/var/lib/sdbot/djl-cache \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /home/sdbot --shell /usr/sbin/nologin sdbot \
    && mkdir -p /app/bot/target /var/lib/sdbot/djl-cache /var/lib/sdbot/images /models && chown -R sdbot:sdbot /var/lib/sdbot
WORKDIR /app
# the launcher keeps its JVM options (SDBOT_JAVA_OPTS) in one place; without sources beside it, it never rebuilds
COPY sdbot /app/sdbot
COPY --from=build /src/bot/target/sdbot.jar /app/bot/target/sdbot.jar
COPY --from=build /src/bot/target/lib /app/bot/target/lib
USER sdbot
# /health answers only when the HTTP server is on (SDBOT_HTTP_PORT set and not 0)
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD [ -z "${SDBOT_HTTP_PORT}" ] || [ "${SDBOT_HTTP_PORT}" = 0 ] || curl -fsS "http://127.0.0.1:${SDBOT_HTTP_PORT}/health" >/dev/null
ENTRYPOINT ["/app/sdbot"]
CMD ["worker"]

# ---- bot (default): the Discord bot and a scheduler node; its worker, if any, runs on the CPU ----------------------
FROM eclipse-temurin:17-jre AS bot
ENV LANG=C.UTF-8 \
    SDBOT_DATA_DIR=/var/lib/sdbot \
    SDBOT_MODELS=/models
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /home/sdbot --shell /usr/sbin/nologin sdbot \
    && mkdir -p /app/bot/target /var/lib/sdbot/images /models && chown -R sdbot:sdbot /var/lib/sdbot
WORKDIR /app
COPY sdbot /app/sdbot
COPY --from=build /src/bot/target/sdbot.jar /app/bot/target/sdbot.jar
COPY --from=build /src/bot/target/lib /app/bot/target/lib
USER sdbot
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD [ -z "${SDBOT_HTTP_PORT}" ] || [ "${SDBOT_HTTP_PORT}" = 0 ] || curl -fsS "http://127.0.0.1:${SDBOT_HTTP_PORT}/health" >/dev/null
ENTRYPOINT ["/app/sdbot"]
CMD ["start", "--no-worker"]
