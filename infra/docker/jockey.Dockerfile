# Jockey.LocalAgent (the embedded default Jockey) with ffmpeg for its sample library, thumbnails and montages.
# Built by azd in Azure Container Registry with the repository root as context (see azure.yaml).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Jockey.ServiceDefaults/ src/Jockey.ServiceDefaults/
COPY src/Jockey.LocalAgent/ src/Jockey.LocalAgent/
RUN dotnet publish src/Jockey.LocalAgent -c Release -o /app -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# LocalAgent:DataPath in Azure (main.bicep); its indexes/ folder is the mounted Azure Files share.
RUN mkdir -p /data/jockey && chown $APP_UID /data/jockey
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "Jockey.LocalAgent.dll"]
