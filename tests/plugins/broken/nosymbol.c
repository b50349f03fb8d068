/* A shared object that is not a wscheck plugin: no wscheck_plugin symbol. */
__attribute__((visibility("default"))) int not_a_plugin(void);
int not_a_plugin(void)
{
    return 1;
}
