"Console tools of the one-stop satisfaction project"
