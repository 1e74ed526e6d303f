namespace Jockey.LocalAgent.Editing;

public static class EditingSetup
{
    public static IHostApplicationBuilder AddVideoEditing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Renderer>();
        return builder;
    }
}
