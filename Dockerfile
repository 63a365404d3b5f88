# syntax=docker/dockerfile:1
# The kubectl-stage image (issue 16): what StagedRolloutRunner's promotion Job runs (`kubectl-stage promote ...`, its
# default command), and any other in-cluster use of the CLI. The single executable from `npm run package:plugin` (Node
# and the self-contained CLI bundle in one file) on distroless's glibc + libstdc++ base: no shell, no package manager,
# no Node install, no npm tree. It runs as the distroless `nonroot` user, 65532, the user the Job's securityContext
# asks for by default, and writes nothing, so readOnlyRootFilesystem holds.
#
# Not built by CI: our machines have a docker client but no container engine. docs/install.md says how to build it.
#   docker build -t ghcr.io/example/kubectl-stage:0.0.0 .

# Build: the repository's own toolchain makes the bundle and the executable (package:plugin spawns the bundle task).
# The executable is this stage's Node binary with the bundle injected, so it needs the same glibc as the base below.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npx projen package:plugin

# Run: Debian 12 with glibc, libstdc++ and CA certificates, and nothing else.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/dist/plugin/kubectl-stage /usr/local/bin/kubectl-stage
COPY --from=build /src/LICENSE /src/lib/bundle/THIRD-PARTY-NOTICES.md /usr/share/doc/kubectl-stage/
USER 65532:65532
ENTRYPOINT ["kubectl-stage"]
CMD ["--help"]
