// Placeholder until the hosting library lands: the app model is described in issue 2.
Console.WriteLine("Jockey.AppHost");
