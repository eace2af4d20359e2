from gongjiang.cli import main

main()
