# miniserve in a container: the jar, its libraries and the tutor's weights on a JRE 25, run as a
# user without privileges. Build and run (docs/deploying.md says what was and was not run here):
#   docker build -t miniserve:0.1.0 .
#   docker run --rm -p 8080:8080 -v miniserve-history:/home/miniserve/.local/share/miniserve miniserve:0.1.0
# Flags after the image name go to 'serve' (e.g. --history-url jdbc:postgresql://...).

# --- build: Maven and a JDK 25 --------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
# Dependencies first: a layer that changes only with pom.xml.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY data/lexicon data/lexicon
# The tests need a PostgreSQL server and nginx: they run in CI (.ci/run), not in the image build.
RUN mvn -B -q package -DskipTests \
 && sed -n 's/^jvm\.flags=//p' src/main/resources/miniserve/jvm.properties > target/jvm.flags

# --- run: a JRE 25 ------------------------------------------------------------------------
FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --create-home --home-dir /home/miniserve miniserve
WORKDIR /opt/miniserve
COPY --from=build /src/target/miniserve.jar miniserve.jar
COPY --from=build /src/target/lib lib
COPY --from=build /src/target/jvm.flags jvm.flags
COPY weights weights
USER 10001
# The SQLite history by default (~/.local/share/miniserve/history.db); PostgreSQL with --history-url.
VOLUME ["/home/miniserve/.local/share/miniserve"]
EXPOSE 8080
# The project's JVM flags (src/main/resources/miniserve/jvm.properties, as the launcher reads them),
# the heap sized from the container's memory limit, then serve with the image's arguments ("$@").
ENTRYPOINT ["/bin/sh", "-c", "exec java $(cat jvm.flags) -XX:MaxRAMPercentage=75 -cp 'miniserve.jar:lib/*' miniserve.cli.Main serve --host 0.0.0.0 \"$@\"", "serve"]
