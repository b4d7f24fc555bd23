# Multi-stage build: Maven builds the job jar and the tools class path; the runtime image is Flink itself, so the
# same image runs the JobManager (application mode), the TaskManager and the simulator.
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY stack stack
COPY jobs jobs
COPY cluster cluster
COPY tools tools
RUN mvn -B -q -ntp -DskipTests package \
 && mkdir -p /out/lib \
 && cp jobs/target/touchpoint-jobs-0.1.0-SNAPSHOT-job.jar /out/touchpoint-job.jar \
 && tr ':' '\n' < tools/target/classpath.txt | xargs -I{} cp {} /out/lib/ \
 && cp tools/target/touchpoint-tools-0.1.0-SNAPSHOT.jar /out/lib/

FROM flink:2.2.1-java17
COPY --from=build /out/touchpoint-job.jar /opt/flink/usrlib/touchpoint-job.jar
COPY --from=build /out/lib /opt/touchpoint/lib
