var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGet("/ok", () => TypedResults.Ok(new { ok = true }));

app.Run();
