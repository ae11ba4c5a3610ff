"""`python -I -B -m grader.host`: serve the judge's requests on the socket passed as DOJO_HOST_FD."""

if __name__ == "__main__":  # a spawned worker imports this module as __mp_main__: it must not serve
    from grader.host.server import main

    main()
