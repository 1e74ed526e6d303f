namespace Jockey.AppHost.Hosting;

/// <summary>Azurite's blob service from node_modules, in place of Aspire's Azurite container.</summary>
public sealed class AzureStorageResource(string name) : Resource(name)
{
    // Azurite's well-known development account (public, documented; not a secret).
    internal const string AccountName = "devstoreaccount1";
    internal const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public override string Kind => "Executable (azurite-blob)";

    /// <summary>Set by WithDataVolume (except under tests): where Azurite keeps its blobs; in memory otherwise.</summary>
    public string? DataDirectory { get; internal set; }

    private static string AzuritePath(HostPaths paths) => Path.Combine(paths.RepositoryRoot, "node_modules", ".bin", "azurite-blob");

    internal override string? FindMissingPrerequisite(HostPaths paths) =>
        !File.Exists(AzuritePath(paths))
            ? "azurite not found in node_modules: run ./scripts/dev.sh, which runs npm ci"
            : null;

    internal override ProcessSpec CreateProcess(InstanceContext context)
    {
        List<string> args = ["--blobHost", "127.0.0.1", "--blobPort", context.Port.ToString(), "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--silent"];
        if (DataDirectory is not null)
        {
            Directory.CreateDirectory(DataDirectory);
            args.AddRange(["--location", DataDirectory]);
        }
        else
        {
            args.AddRange(["--inMemoryPersistence", "--extentMemoryLimit", "512"]);
        }
        return new ProcessSpec(AzuritePath(context.Paths), args, context.Paths.RepositoryRoot, context.Environment);
    }
}

/// <summary>The blob service of a storage resource; referencing it sets <c>ConnectionStrings__{name}</c>.</summary>
public sealed class AzureBlobStorageResource(string name, AzureStorageResource storage) : Resource(name), IResourceWithConnectionString
{
    public override string Kind => "Blob service";

    public override Resource ProcessOwner => storage;

    public string GetConnectionString() =>
        $"DefaultEndpointsProtocol=http;AccountName={AzureStorageResource.AccountName};AccountKey={AzureStorageResource.AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{storage.Endpoint!.Port}/{AzureStorageResource.AccountName};";

    internal override ProcessSpec? CreateProcess(InstanceContext context) => null;
}

public static class AzureStorageBuilderExtensions
{
    public static IResourceBuilder<AzureStorageResource> AddAzureStorage(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new AzureStorageResource(name));

    /// <summary>Runs Azurite locally; <paramref name="configure"/> can add a data volume.</summary>
    public static IResourceBuilder<AzureStorageResource> RunAsEmulator(
        this IResourceBuilder<AzureStorageResource> builder, Action<IResourceBuilder<AzureStorageResource>>? configure = null)
    {
        builder.Resource.Endpoint = new EndpointSpec("http", null, null);
        builder.Resource.HealthProbe = new TcpHealthProbe();
        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>Keeps the blobs across runs in the AppHost's data folder (ignored under tests).</summary>
    public static IResourceBuilder<AzureStorageResource> WithDataVolume(this IResourceBuilder<AzureStorageResource> builder)
    {
        if (!builder.ApplicationBuilder.IsTesting)
        {
            builder.Resource.DataDirectory = Path.Combine(builder.ApplicationBuilder.Paths.DataDirectory, builder.Resource.Name);
        }
        return builder;
    }

    /// <summary>A child resource with no process of its own: its state is its storage resource's.</summary>
    public static IResourceBuilder<AzureBlobStorageResource> AddBlobs(this IResourceBuilder<AzureStorageResource> builder, string name) =>
        builder.ApplicationBuilder.AddResource(new AzureBlobStorageResource(name, builder.Resource));
}
